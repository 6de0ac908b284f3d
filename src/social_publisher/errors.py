"""The exceptions the tool raises on purpose; the CLI turns each into a one-line message.

Exit codes follow DESIGN.md: 2 for bad usage or input (the user must change something),
1 for a failure while running.
"""


class PublisherError(Exception):
    """Base class: a failure the CLI reports as one line, exit code 1."""

    exit_code = 1


class UsageError(PublisherError):
    """Raised for bad input the user must fix: a missing or invalid config, a bad path.

    The message names the file (and line when known) and says what to change.
    """

    exit_code = 2


class ConfigError(UsageError):
    """Raised by `config.load_config` when publisher.toml cannot be used as it is."""


class StoreError(PublisherError):
    """Raised by `store` when the database file cannot be opened or migrated."""


class BackendUnavailable(PublisherError):
    """Raised by a backend (writer, channel) that lacks what it needs to run.

    The stage disables that backend with this message as the reason and goes on.
    """
