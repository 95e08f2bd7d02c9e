"""Time zoo and reference libraries on the same work, in one process.

A :class:`Case` is one piece of work (data plus parameters) and the
contenders that do it. :func:`run_case` times the contenders in alternation,
so that drift in machine speed (turbo, other load, thermal limits) hits every
library alike, and keeps the median. :meth:`CaseResult.to_markdown` renders
the comparison.
"""

from __future__ import annotations

import gc
import importlib
import numbers
import os
import statistics
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from time import sleep
from typing import Any, Callable, Mapping

# Read by OpenMP and BLAS runtimes when they load; threadpoolctl covers the
# runtimes that were loaded before the limit was known.
THREAD_ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# Idle time before each contender's run: long enough for the spinning worker
# threads of the library timed before it to go to sleep (OpenBLAS spins for
# tens of milliseconds after a call, GNU OpenMP and TBB for less).
SETTLE_SECONDS = 0.1


@dataclass(frozen=True)
class Case:
    """One benchmark: the work, and who competes at it.

    Attributes
    ----------
    name : str
        Short identifier, matched by ``--only``.
    description : str
        The data and parameters at full size, for the report.
    setup : callable(quick: bool) -> data
        Builds the data once per case; ``quick`` asks for a tiny version.
    contenders : mapping of library name -> callable(data, threads, seed) -> result
        "zoo" first, then the reference libraries that are installed. Only
        this call is timed; its result must be cheap to produce (labels,
        centres), not a metric. Call c of round r gets seed r * number + c,
        the same for every library.
    quality : callable(data, result) -> dict of metric name -> number
        Scores a contender's result, untimed, the same way for every library;
        the report shows the mean over all timed calls, because one seed's
        result says little about a randomised algorithm.
    compare : tuple of str
        Metrics also shown as the ratio zoo / reference.
    number : int
        Calls per timed sample, for work too quick to time in one call.
    per : int
        Units of work one call does at full size (epochs of training, ...);
        the report divides each call's time by it. In quick mode, which also
        makes one call per sample, a call counts as one unit, so a case's
        quick setup should ask for one unit of work.
    unit : str or None
        Name of that unit ("epoch"): the time columns read "s/epoch". None
        (the default): times are per call.
    before : callable(data) or None
        Untimed work run right before every timed call (another library's
        call whose threads are still spinning when the contender starts, for
        the small-calls cases). None: the contender runs on a quiet machine.
    after : callable() or None
        Run once when the case is done, scored or failed: frees what it
        started that would keep running (a Dask cluster's workers poll the
        scheduler and would slow every case timed after them).
    """

    name: str
    description: str
    setup: Callable[[bool], Any]
    contenders: Mapping[str, Callable[[Any, int], Any]]
    quality: Callable[[Any, Any], dict]
    compare: tuple[str, ...] = ()
    number: int = 1
    per: int = 1
    unit: str | None = None
    before: Callable[[Any], None] | None = None
    after: Callable[[], None] | None = None


@dataclass
class Outcome:
    """What one library did on one case: seconds per call (per unit of work
    when the case has a ``per``), and its quality (the mean of each metric
    over the timed runs)."""

    library: str
    seconds: list[float] = field(default_factory=list)
    quality: dict = field(default_factory=dict)
    error: str | None = None
    results: list = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def fastest(self) -> float:
        return min(self.seconds)


@dataclass
class CaseResult:
    case: Case
    outcomes: list[Outcome]
    repeats: int
    number: int
    per: int = 1

    @property
    def failed(self) -> bool:
        return any(outcome.error for outcome in self.outcomes)

    def to_markdown(self) -> str:
        return render_case(self)


def optional_module(name: str):
    """The module if it imports, else None: reference libraries are extras."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def installed(libraries: dict, contenders: dict) -> dict:
    """The contenders whose library imported.

    ``libraries`` maps a library's name to its module from `optional_module`
    (None when missing); a contender's library is its name up to any
    " (variant)". zoo and libraries not listed always stay.
    """
    return {
        name: run
        for name, run in contenders.items()
        if libraries.get(name.split(" (")[0], True) is not None
    }


def set_thread_env(threads: int) -> None:
    """Cap threads for runtimes not loaded yet; call before importing them."""
    for var in THREAD_ENV_VARS:
        os.environ[var] = str(threads)


@contextmanager
def limit_threads(threads: int):
    """Cap BLAS and OpenMP pools already loaded (numpy's, scikit-learn's, ...)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limiter = nullcontext()
    else:
        limiter = threadpool_limits(limits=threads)
    with limiter:
        yield


def run_case(case: Case, *, repeats: int = 5, threads: int = 2, quick: bool = False) -> CaseResult:
    """Time every contender ``repeats`` times after one untimed warm-up each.

    Rounds alternate between libraries (zoo, ref1, ref2, zoo, ...); call c of
    round r (round 0 is the warm-up) runs with seed r * number + c for every
    library. A contender that
    raises is reported with its error and not run again; the others go on.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if case.per < 1:
        raise ValueError(f"case {case.name!r}: per must be >= 1, got {case.per}")
    try:
        return _timed_case(case, repeats, threads, quick)
    finally:
        if case.after is not None:
            case.after()


def _timed_case(case, repeats, threads, quick):
    number = 1 if quick else case.number
    per = 1 if quick else case.per
    data = case.setup(quick)
    outcomes = {name: Outcome(name) for name in case.contenders}

    with limit_threads(threads):
        for round_index in range(repeats + 1):
            warm_up = round_index == 0
            for name, contender in case.contenders.items():
                outcome = outcomes[name]
                if outcome.error:
                    continue
                # Garbage left by the previous contender should not be
                # collected on this one's clock, and its worker threads (BLAS
                # and OpenMP pools spin for a while after each call) should be
                # asleep before this one starts.
                gc.collect()
                if not quick:
                    sleep(SETTLE_SECONDS)
                results = []
                try:
                    elapsed = 0.0
                    for call in range(number):
                        if case.before is not None:
                            case.before(data)
                        start = time.perf_counter()
                        results.append(contender(data, threads, round_index * number + call))
                        elapsed += time.perf_counter() - start
                    elapsed /= number * per
                except Exception as exc:  # noqa: BLE001 - reported in the table
                    outcome.error = f"{type(exc).__name__}: {exc}"
                    continue
                if not warm_up:
                    outcome.seconds.append(elapsed)
                    outcome.results.extend(results)

    for outcome in outcomes.values():
        if outcome.error:
            continue
        try:
            outcome.quality = _mean_quality([case.quality(data, result) for result in outcome.results])
        except Exception as exc:  # noqa: BLE001 - reported in the table
            outcome.error = f"quality: {type(exc).__name__}: {exc}"
        outcome.results.clear()  # results can be large (labels of every point)
    return CaseResult(case, list(outcomes.values()), repeats, number, per)


def _mean_quality(scores: list[dict]) -> dict:
    """Mean of each metric over runs; None where a library does not report it.
    Integer metrics (iteration counts) stay integers when all runs agree."""
    merged = {}
    for name in scores[0]:
        values = [score[name] for score in scores]
        if any(value is None for value in values):
            merged[name] = None
        elif all(isinstance(v, numbers.Integral) for v in values) and len(set(values)) == 1:
            merged[name] = values[0]
        else:
            merged[name] = statistics.fmean(values)
    return merged


def render_case(result: CaseResult) -> str:
    """A Markdown section: heading, description, table, legend."""
    case = result.case
    outcomes = result.outcomes
    zoo = outcomes[0]
    metrics = _metric_names(outcomes)

    seconds = "s" if case.unit is None else f"s/{case.unit}"
    header = ["library", f"median {seconds}", f"min {seconds}", "zoo speed-up"]
    header += metrics
    header += [f"{metric} zoo / ref" for metric in case.compare]
    rows = []
    for outcome in outcomes:
        is_zoo = outcome is zoo
        if outcome.error:
            rows.append([outcome.library, f"error: {_one_line(outcome.error)}"]
                        + [""] * (len(header) - 2))
            continue
        row = [outcome.library, _seconds(outcome.median), _seconds(outcome.fastest)]
        row.append("—" if is_zoo else _ratio(outcome.median, zoo))
        row += [_number(outcome.quality.get(metric)) for metric in metrics]
        for metric in case.compare:
            row.append("—" if is_zoo else _quality_ratio(zoo, outcome, metric))
        rows.append(row)

    lines = [f"### {case.name}", "", case.description, ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += [
        "",
        f"Median and minimum of {result.repeats} timed runs after one warm-up, "
        f"{result.number} call(s) per run, each call with its own seed, the same "
        "seeds for every library; quality columns are means over all timed calls; "
        "zoo speed-up = reference "
        "median / zoo median (> 1: zoo is faster).",
    ]
    if case.unit is not None:
        lines[-1] += (f" Times are per {case.unit}: each call does {result.per} "
                      f"{case.unit}(s), timed as a whole and divided by {result.per}.")
    return "\n".join(lines)


def render_summary(results: list[CaseResult]) -> str:
    """One line per case: zoo's median, the fastest other library (by its
    median) and the ratio, the table a reader sees first."""
    lines = ["| case | zoo | fastest peer | peer | zoo speed-up |", "|---|--:|---|--:|--:|"]
    for result in results:
        zoo = result.outcomes[0]
        unit = "" if result.case.unit is None else f"/{result.case.unit}"
        peers = [outcome for outcome in result.outcomes[1:]
                 if not outcome.error and outcome.seconds and not outcome.library.startswith("zoo")]
        if zoo.error or not zoo.seconds:
            lines.append(f"| {result.case.name} | error | | | |")
            continue
        if not peers:
            lines.append(f"| {result.case.name} | {_seconds(zoo.median)} s{unit} | (none installed) | | |")
            continue
        best = min(peers, key=lambda outcome: outcome.median)
        lines.append(f"| {result.case.name} | {_seconds(zoo.median)} s{unit} | {best.library} | "
                     f"{_seconds(best.median)} s{unit} | {_ratio(best.median, zoo)} |")
    return "\n".join(lines)


def _metric_names(outcomes):
    names = []
    for outcome in outcomes:
        names += [name for name in outcome.quality if name not in names]
    return names


def _ratio(reference_seconds, zoo):
    if zoo.error or not zoo.seconds or zoo.median <= 0:
        return "n/a"
    return f"{reference_seconds / zoo.median:.2f}×"


def _quality_ratio(zoo, reference, metric):
    ours, theirs = zoo.quality.get(metric), reference.quality.get(metric)
    if ours is None or theirs is None or zoo.error or theirs == 0:
        return "n/a"
    return f"{ours / theirs:.4f}"


def _seconds(value):
    return f"{value:.4g}"


def _number(value):
    """Integers exactly; floats to 6 significant digits, enough to compare."""
    if value is None:
        return "n/a"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    return str(value)


def _one_line(text, limit=120):
    # A "|" would end the table cell early.
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"
