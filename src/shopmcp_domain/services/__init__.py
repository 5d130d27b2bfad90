"""Use cases: functions of ports."""
