"""Benchmarks of the Iqama API (run from the project root, e.g. ``python bench/read_bench.py``)."""
