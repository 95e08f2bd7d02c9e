"""Discover the ``bench_*.py`` modules, run their cases, write RESULTS.md.

Usage (from the repository root)::

    python -m zoo bench [--only NAME ...] [--repeats N] [--threads T] [--quick]
                        [--output PATH]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .harness import render_summary, run_case, set_thread_env

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = BENCH_DIR / "RESULTS.md"
# Distribution names whose versions the report records.
VERSIONED = ("zoo", "numpy", "scikit-learn", "imbalanced-learn", "mlpack", "torch", "gymnasium", "stable-baselines3", "envpool",
             "threadpoolctl", "scikit-learn-intelex", "faiss-cpu", "jax", "optax", "sbx-rl", "dbscan")


def parse_args(argv, prog):
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Time zoo against the reference libraries (scikit-learn, PyTorch, mlpack, ...) on the same work, "
        "alternating runs in one process, and write a Markdown report.",
    )
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="run only cases whose name contains NAME (repeat for several)")
    parser.add_argument("--repeats", type=_positive_int, default=5,
                        help="timed runs per library, after one warm-up (default: 5)")
    parser.add_argument("--threads", type=_positive_int, default=2,
                        help="threads every library may use (default: 2)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny data sizes, for smoke tests; timings mean nothing")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the report (default: {_display(DEFAULT_OUTPUT)})")
    return parser.parse_args(argv)


def main(argv=None, prog="python -m zoo bench") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv, prog)
    # Before the bench modules import scikit-learn and mlpack, so their
    # OpenMP/BLAS pools start at the right size.
    set_thread_env(args.threads)
    # Other work on the machine skews every timing; the report records it.
    load_at_start = _load_average()

    cases = discover_cases()
    selected = [case for case in cases if args.only is None or any(name in case.name for name in args.only)]
    if not selected:
        names = ", ".join(case.name for case in cases)
        print(f"no case name contains any of {args.only!r}; cases: {names}", file=sys.stderr)
        return 2

    results = []
    for case in selected:
        print(f"running {case.name} ...", file=sys.stderr, flush=True)
        result = run_case(case, repeats=args.repeats, threads=args.threads, quick=args.quick)
        print(result.to_markdown() + "\n", flush=True)
        results.append(result)

    command = " ".join([prog, *map(shlex.quote, argv)])
    report = render_report(results, command=command, threads=args.threads, quick=args.quick,
                           load=load_at_start)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    print(f"wrote {_display(args.output)}", file=sys.stderr)
    failed = [result.case.name for result in results if result.failed]
    if failed:
        print(f"errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def discover_cases():
    """All ``CASES`` of the ``bench_*`` modules next to this file, by module name."""
    package = __package__ or BENCH_DIR.name
    cases = []
    for module_info in sorted(pkgutil.iter_modules([str(BENCH_DIR)]), key=lambda m: m.name):
        if module_info.name.startswith("bench_"):
            module = importlib.import_module(f"{package}.{module_info.name}")
            cases += list(module.CASES)
    return cases


def render_report(results, *, command, threads, quick, load=None) -> str:
    lines = [
        "# zoo benchmark results",
        "",
        "Reproduce from the repository root with:",
        "",
        "```",
        command,
        "```",
        "",
        *[f"- {line}" for line in machine_summary(threads, load)],
        "",
        "Ratios compare libraries measured side by side in this run; absolute "
        "times depend on the machine.",
    ]
    if quick:
        lines += ["", "**Quick mode**: tiny data for smoke tests; the timings mean nothing."]
    lines += ["", "## Summary", "",
              "zoo's median time per case against the fastest other library measured in the same run "
              "(speed-up above 1: zoo is faster); each case's section below has every library and the quality.",
              "", render_summary(results), "", "## Cases"]
    for result in results:
        lines += ["", result.to_markdown()]
    return "\n".join(lines) + "\n"


def machine_summary(threads, load=None):
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{name} {_version(name)}" for name in VERSIONED)
    load_text = "unknown" if load is None else f"{load:.2f}"
    return [
        f"CPU: {cpu_model()}",
        f"cores: {os.cpu_count()} logical, {usable} usable by this process; "
        f"threads per library: {threads}",
        f"Python {platform.python_version()}; {versions}",
        f"commit: {git_commit()}",
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"1-minute load average when the run started: {load_text} (a value near 0 means the CPU was idle)",
    ]


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def git_commit():
    """The checkout's commit, marked when the work tree has local changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=BENCH_DIR, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        # The report being rewritten is not a change to what is measured.
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ":(top)", ":(top,exclude)bench/RESULTS.md")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout, or no commits yet)"
    return commit + (" with uncommitted changes" if dirty else "")


def _version(distribution):
    if distribution == "zoo":
        # An editable or not-yet-installed build may have no metadata.
        zoo = sys.modules.get("zoo")
        if zoo is not None and getattr(zoo, "__version__", None):
            return zoo.__version__
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _display(path):
    """The path relative to the working directory when it is below it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
