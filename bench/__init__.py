"""zoo's benchmarks: zoo against reference libraries, side by side.

Run ``python -m zoo bench`` (or ``python -m bench``) from the repository root.
Each ``bench_<family>.py`` module lists its cases in ``CASES``; ``run.py``
discovers them, ``harness.py`` times them, and the results go to
``bench/RESULTS.md``.
"""
