"""Benchmarks of the carpool bot (issue #13): `python -m benchmarks`, see benchmarks/README.md."""
