"""smsmode's times are Paris time on every host, even one without a time zone database of its own."""

from __future__ import annotations

import subprocess
import sys

from tests.packaging.process import clean_environ


def test_paris_time_without_the_systems_time_zone_database() -> None:
    code = "from mockgateway.dialects.smsmode.wire import LOCAL_TZ; print(LOCAL_TZ)"
    # An empty search path hides the system's zoneinfo files, as on a slim image or Windows.
    environ = clean_environ({"PYTHONTZPATH": ""})
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "Europe/Paris"
