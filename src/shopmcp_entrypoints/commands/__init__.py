"""CLI command groups; each module adds its commands to the root app in ``cli.py``."""
