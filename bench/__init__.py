"""Benchmarks: run with `make bench`; results are recorded in BENCHMARKS.md."""
