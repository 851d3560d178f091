"""Scenarios: what happens to a message after it is accepted. The YAML itself lives in ``scenarios/``."""
