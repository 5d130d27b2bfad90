"""Benchmarks, run by ``make bench`` (``python -m benchmarks``); not tests.

Each module here is one benchmark: it defines ``main() -> None`` that runs it and prints its
report (sizes from environment variables, so any benchmark can be run small). Add a module and
``python -m benchmarks`` runs it; ``python -m benchmarks NAME ...`` runs only those.
"""
