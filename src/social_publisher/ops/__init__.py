"""Running the tool unattended, every day: `doctor` (does this setup work?), `schedule` (a systemd
user timer or a crontab line), `daemon` (the same loop in the foreground), the log file, the
record of runs, and `backup`. Nothing here is a pipeline stage: these modules look at the config,
the store and the outside services, and start `run`.
"""
