"""How many threads a zoo kernel may use.

Every estimator takes ``n_jobs``; ``None`` means the process-wide default set
by :func:`set_num_threads` (all usable cores unless changed). The C++ core
receives the resolved, positive count and never decides on its own.

Two rules bound that count, both applied here and nowhere else:

- It never exceeds :func:`available_cores`. scikit-learn and joblib start as
  many workers as asked, but zoo's kernels are OpenMP loops whose threads
  meet at barriers every few microseconds: a thread more than there are
  cores only waits for a time slice, and the runtime allocates a stack per
  thread, so ``n_jobs=10**9`` (or a saved model that says so) would end the
  interpreter instead of running slower.
- It is 1 in a process forked after zoo ran OpenMP threads. GNU OpenMP keeps
  its worker threads in a pool that ``fork()`` does not copy; the child's
  next parallel region waits for them forever. One thread never touches the
  pool, so such a child runs single-threaded and says so once.
"""

from __future__ import annotations

import numbers
import os
import warnings

__all__ = ["set_num_threads", "get_num_threads", "resolve_n_jobs", "available_cores"]

# None: "all usable cores", re-read on every call because the CPU affinity
# of the process can change (taskset, cgroups, a scheduler).
_default_n_jobs: int | None = None

# Set once a count above 1 has been handed to a kernel: from then on OpenMP
# holds a thread pool in this process (and in what it forks, see below).
_threads_started = False
# Set in a child forked after that; inherited by its own children, whose
# pool is just as stale.
_forked_after_threads = False
_fork_warning_shown = False

_FORK_WARNING = (
    "zoo runs single-threaded in this process: it was forked after zoo had "
    "used OpenMP threads, and GNU OpenMP's thread pool does not survive "
    "fork(), so a parallel kernel here would wait forever. To use threads in "
    "child processes, start them with the 'spawn' or 'forkserver' method "
    "(multiprocessing.get_context('spawn'), or joblib's default 'loky' backend)."
)


def _note_fork_in_child() -> None:
    global _forked_after_threads, _fork_warning_shown
    if _threads_started:
        _forked_after_threads = True
    _fork_warning_shown = False  # each process says it once


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_note_fork_in_child)


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
        all usable cores. A count above :func:`available_cores` is accepted
        and used as all cores (see :func:`resolve_n_jobs`).

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
        A positive count, at most :func:`available_cores`; 1 in a process
        forked after zoo used threads (see :func:`resolve_n_jobs`).
    """
    if _default_n_jobs is None:
        return _usable(available_cores())
    return _usable(_count_from_signed(_default_n_jobs))


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Turn an ``n_jobs`` parameter into a positive thread count.

    Parameters
    ----------
    n_jobs : int or None
        ``None``: the process default (:func:`get_num_threads`); a positive
        ``k``: ``k`` threads, at most :func:`available_cores` (more threads
        than cores would only wait for each other at zoo's barriers, so a
        larger count means all cores rather than oversubscribing, unlike
        joblib); ``-1``: all usable cores; ``-k``: ``max(1, cores + 1 - k)``.

    Returns
    -------
    int
        At least 1. Exactly 1 in a process forked (``os.fork``, or
        multiprocessing's "fork" start method) after zoo ran OpenMP threads,
        whose thread pool the child cannot use; the first such call warns
        with a RuntimeWarning.

    Raises
    ------
    ValueError
        If ``n_jobs`` is 0 or not an integer.
    """
    if n_jobs is None:
        return get_num_threads()
    _check_n_jobs_value(n_jobs, name="n_jobs")
    return _usable(_count_from_signed(int(n_jobs)))


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
    cores = available_cores()
    if n > 0:
        return min(n, cores)
    return max(1, cores + 1 + n)


def _usable(n: int) -> int:
    """``n``, or 1 where a forked child must not start OpenMP threads."""
    global _threads_started, _fork_warning_shown
    if n > 1 and _forked_after_threads:
        if not _fork_warning_shown:
            _fork_warning_shown = True
            warnings.warn(_FORK_WARNING, RuntimeWarning, stacklevel=3)
        return 1
    if n > 1:
        _threads_started = True
    return n
