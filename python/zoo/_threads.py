"""How many threads a zoo kernel may use.

Every estimator takes ``n_jobs``; ``None`` means the process-wide default set
by :func:`set_num_threads` (all usable cores unless changed). The C++ core
receives the resolved, positive count and never decides on its own.
"""

from __future__ import annotations

import numbers
import os

__all__ = ["set_num_threads", "get_num_threads", "resolve_n_jobs", "available_cores"]

# None: "all usable cores", re-read on every call because the CPU affinity
# of the process can change (taskset, cgroups, a scheduler).
_default_n_jobs: int | None = None


def available_cores() -> int:
    """Number of CPU cores this process may run on.

    Returns
    -------
    int
        ``len(os.sched_getaffinity(0))`` where the platform has it (it honours
        ``taskset`` and container CPU sets), else ``os.cpu_count()``; at least 1.
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def set_num_threads(n: int | None) -> None:
    """Set the thread count used by estimators whose ``n_jobs`` is None.

    Parameters
    ----------
    n : int or None
        A positive count, or a negative one counted back from the number of
        cores (-1: all cores, -2: all but one); ``None`` restores the default,
        all usable cores.

    Raises
    ------
    ValueError
        If ``n`` is 0 or not an integer.
    """
    global _default_n_jobs
    if n is not None:
        _check_n_jobs_value(n, name="n")
        n = int(n)
    _default_n_jobs = n


def get_num_threads() -> int:
    """Thread count used by estimators whose ``n_jobs`` is None.

    Returns
    -------
    int
        A positive count.
    """
    if _default_n_jobs is None:
        return available_cores()
    return _count_from_signed(_default_n_jobs)


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Turn an ``n_jobs`` parameter into a positive thread count.

    Parameters
    ----------
    n_jobs : int or None
        ``None``: the process default (:func:`get_num_threads`); a positive
        ``k``: exactly ``k`` threads; ``-1``: all usable cores; ``-k``:
        ``max(1, cores + 1 - k)``.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ValueError
        If ``n_jobs`` is 0 or not an integer.
    """
    if n_jobs is None:
        return get_num_threads()
    _check_n_jobs_value(n_jobs, name="n_jobs")
    return _count_from_signed(int(n_jobs))


def _check_n_jobs_value(value, *, name):
    # bool is an int subclass, but n_jobs=True is almost surely a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be a nonzero int or None (-1 means all cores); "
            f"got {value!r} of type {type(value).__name__}."
        )
    if value == 0:
        raise ValueError(
            f"{name} must be a nonzero int or None (-1 means all cores); got 0."
        )


def _count_from_signed(n: int) -> int:
    if n > 0:
        return n
    return max(1, available_cores() + 1 + n)
