"""Benchmarks and evaluations run with `python -m bench.<name>`."""
