"""Loopback servers speaking the outside services' protocols, for tests (and crash tests) to run
the real channels against: each records every request it received."""
