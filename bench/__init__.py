"""Benchmarks: scripts that print tables; `python -m bench.run_all` writes bench/RESULTS.md."""
