"""``python -m zoo bench``: run the benchmarks of a repository checkout.

The benchmarks are not part of the installed package (they need the
reference libraries and write ``bench/RESULTS.md`` into the checkout), so
this only finds the checkout's ``bench/`` folder and hands over to it. The
folder is imported as the package ``bench`` from its path; ``sys.path`` is
left as it was, so nothing else in the checkout becomes importable.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

# Files that tell zoo's bench folder apart from any other folder named bench.
_MARKERS = ("__init__.py", "run.py", "harness.py")


class BenchNotFoundError(RuntimeError):
    pass


def find_bench_dir(start=None) -> Path:
    """The ``bench/`` folder in ``start`` (default: cwd) or its nearest parent."""
    start = Path.cwd() if start is None else Path(start)
    for folder in (start, *start.parents):
        candidate = folder / "bench"
        if all((candidate / marker).is_file() for marker in _MARKERS):
            return candidate.resolve()
    raise BenchNotFoundError(
        f"no zoo bench/ folder in {start} or any folder above it. The benchmarks "
        "live in the source repository, not in the installed package: run "
        "`python -m zoo bench` from a checkout of the zoo repository."
    )


def load_runner(bench_dir: Path):
    """Import ``bench.run`` from ``bench_dir``, refusing any other ``bench``."""
    package = sys.modules.get("bench")
    if package is None:
        # The package's own path, not sys.path, tells the import system where
        # bench.run, bench.harness and the bench_* modules are.
        spec = importlib.util.spec_from_file_location(
            "bench", bench_dir / "__init__.py", submodule_search_locations=[str(bench_dir)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules["bench"] = package
        try:
            spec.loader.exec_module(package)
        except BaseException:
            del sys.modules["bench"]
            raise
    origin = getattr(package, "__file__", None)
    loaded_from = Path(origin).resolve().parent if origin else None
    if loaded_from != bench_dir:
        raise BenchNotFoundError(
            f"a module named 'bench' is already imported from {loaded_from or 'elsewhere'}, "
            f"not from the checkout's {bench_dir}"
        )
    return importlib.import_module("bench.run")


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        runner = load_runner(find_bench_dir())
    except BenchNotFoundError as exc:
        print(f"zoo bench: {exc}", file=sys.stderr)
        return 2
    return runner.main(argv, prog="python -m zoo bench")
