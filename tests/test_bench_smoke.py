"""The benchmark runner end to end (tiny sizes), and the harness's rules."""

import importlib.util
import itertools
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_zoo(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "zoo", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture
def harness(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    from bench import harness

    return harness


def _stamp(path):
    return path.stat().st_mtime_ns if path.exists() else None


def test_quick_bench_writes_a_table_with_zoo_and_ratios(tmp_path):
    output = tmp_path / "RESULTS.md"
    committed_results = REPO_ROOT / "bench" / "RESULTS.md"
    committed_stamp = _stamp(committed_results)
    done = run_zoo("bench", "--quick", "--repeats", "1", "--output", str(output), cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    report = output.read_text(encoding="utf-8")

    assert "python -m zoo bench --quick --repeats 1 --output" in report
    assert "Quick mode" in report
    cases = ("blobs-200k", "blobs-200k-same-init", "iris", "minibatch-blobs-200k", "cartpole-vec",
             "mlp-784-256-128-10-b32", "mlp-784-256-128-10-b128", "mlp-784-256-128-10-b512",
             "dqn-cartpole", "dqn-cartpole-64", "a2c-cartpole", "reinforce-cartpole",
             "q-learning-taxi", "q-learning-frozenlake8x8",
             "linear-regression-100k", "lasso-100k-500", "elasticnet-100k-500", "logistic-multinomial-l2-100k",
             "logistic-multinomial-l1-20k", "tree-classifier-150k", "tree-regressor-150k", "svc-rbf-15k",
             "svc-rbf-15k-float32", "linear-svc-100k", "pca-100k-256-k32", "pca-full-100k-256-k32",
             "pca-randomized-20k-2000-k50", "incremental-pca-100k-256-k32", "dbscan-blobs-100k",
             "dbscan-blobs-1m", "dbscan-blobs-100k-16d", "autoencoder-784-128-32-128-784-b128",
             "autoencoder-784-128-32-128-784-b512", "silhouette-20k", "roc-auc-2m", "standard-scaler-1m-50",
             "smote-100k-20", "cross-validate-logistic-50k")
    sections = {section.split("\n", 1)[0]: section for section in report.split("### ")[1:]}
    assert set(cases) <= set(sections)
    for case in cases:
        # Every case times zoo (a row "zoo" or "zoo (<variant>)") with a number.
        assert re.search(r"^\| zoo( \([^)]*\))? \| [0-9.e-]+ \|", sections[case], flags=re.MULTILINE), case
    if importlib.util.find_spec("sklearn") is not None:
        # Reference row: name, median, min, then reference / zoo time ratio.
        ratio = re.search(r"^\| scikit-learn \| [0-9.e-]+ \| [0-9.e-]+ \| ([0-9.]+)×", report,
                          flags=re.MULTILINE)
        assert ratio and float(ratio.group(1)) > 0
    # The tables also go to stdout, and the default RESULTS.md is untouched.
    assert "| zoo |" in done.stdout
    assert _stamp(committed_results) == committed_stamp


def test_bench_outside_a_checkout_says_where_to_run_it(tmp_path):
    done = run_zoo("bench", "--quick", cwd=tmp_path)
    assert done.returncode == 2
    assert "checkout" in done.stderr


def test_bench_only_with_no_match_lists_the_cases(tmp_path):
    done = run_zoo("bench", "--only", "no-such-case", "--output", str(tmp_path / "r.md"),
                   cwd=REPO_ROOT)
    assert done.returncode == 2
    assert "iris" in done.stderr
    assert not (tmp_path / "r.md").exists()



@pytest.fixture
def no_bench_imported(monkeypatch):
    """sys.modules without any bench package, restored afterwards."""
    for name in [name for name in sys.modules if name == "bench" or name.startswith("bench.")]:
        monkeypatch.delitem(sys.modules, name)
    yield
    for name in [name for name in sys.modules if name == "bench" or name.startswith("bench.")]:
        del sys.modules[name]


def test_bench_entry_imports_the_checkout_without_touching_sys_path(no_bench_imported):
    from zoo import _bench_entry

    path_before = list(sys.path)
    runner = _bench_entry.load_runner(_bench_entry.find_bench_dir(REPO_ROOT / "tests"))
    assert sys.path == path_before
    assert Path(runner.__file__) == REPO_ROOT / "bench" / "run.py"
    assert Path(sys.modules["bench.harness"].__file__) == REPO_ROOT / "bench" / "harness.py"


def test_bench_entry_refuses_another_bench_package(no_bench_imported, tmp_path, monkeypatch):
    from zoo import _bench_entry

    other = tmp_path / "bench"
    other.mkdir()
    (other / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("bench")
    with pytest.raises(_bench_entry.BenchNotFoundError, match="already imported from"):
        _bench_entry.load_runner(_bench_entry.find_bench_dir(REPO_ROOT))

def _recording_case(harness, log, fail=()):
    def contender(name):
        def run(data, threads, seed):
            log.append((name, seed))
            if name in fail:
                raise RuntimeError(f"{name} broke")
            return data * 2

        return run

    return harness.Case(
        name="fake",
        description="records its calls",
        setup=lambda quick: 21,
        contenders={"zoo": contender("zoo"), "ref": contender("ref")},
        quality=lambda data, result: {"answer": result},
        compare=("answer",),
    )


def test_run_case_alternates_libraries_after_one_warm_up_each(harness):
    log = []
    result = harness.run_case(_recording_case(harness, log), repeats=3, threads=1)
    assert log == [(name, seed) for seed in range(4) for name in ("zoo", "ref")]
    zoo, ref = result.outcomes
    assert len(zoo.seconds) == 3 and len(ref.seconds) == 3
    assert zoo.quality == {"answer": 42}
    table = result.to_markdown()
    assert re.search(r"^\| ref \| \S+ \| \S+ \| [0-9.]+× \| 42 \| 1\.0000 \|$", table, re.M)


def test_a_failing_reference_is_reported_and_the_rest_still_runs(harness):
    log = []
    result = harness.run_case(_recording_case(harness, log, fail={"ref"}), repeats=2, threads=1)
    assert [name for name, _ in log] == ["zoo", "ref", "zoo", "zoo"]
    assert result.failed
    assert "error: RuntimeError: ref broke" in result.to_markdown()
    assert len(result.outcomes[0].seconds) == 2


def test_a_case_with_per_reports_seconds_per_unit_of_work(harness, monkeypatch):
    # A clock that advances one second between reads: every call takes 1 s.
    ticks = itertools.count()
    monkeypatch.setattr(harness, "time", SimpleNamespace(perf_counter=lambda: float(next(ticks))))
    case = harness.Case(
        name="epochs",
        description="trains 4 epochs per call",
        setup=lambda quick: None,
        contenders={name: lambda data, threads, seed: seed for name in ("zoo", "ref")},
        quality=lambda data, result: {},
        per=4,
        unit="epoch",
    )
    result = harness.run_case(case, repeats=2, threads=1)
    assert result.per == 4
    assert [outcome.seconds for outcome in result.outcomes] == [[0.25, 0.25], [0.25, 0.25]]
    table = result.to_markdown()
    assert "| library | median s/epoch | min s/epoch | zoo speed-up |" in table
    assert re.search(r"^\| ref \| 0\.25 \| 0\.25 \| 1\.00× \|$", table, re.M)
    assert "each call does 4 epoch(s)" in table
    # Quick mode counts a call as one unit, as its setup asks for one.
    quick = harness.run_case(case, repeats=1, threads=1, quick=True)
    assert quick.outcomes[0].seconds == [1.0]
    with pytest.raises(ValueError, match="per"):
        harness.run_case(harness.Case("bad", "", lambda quick: None, {}, lambda d, r: {}, per=0))


def test_before_runs_untimed_ahead_of_every_timed_call(harness, monkeypatch):
    # The clock advances one second per read; `before` reads it too, so its
    # time would show if it were counted.
    ticks = itertools.count()
    clock = SimpleNamespace(perf_counter=lambda: float(next(ticks)))
    monkeypatch.setattr(harness, "time", clock)
    log = []
    case = harness.Case(
        name="after-other-work",
        description="runs after another library's call",
        setup=lambda quick: None,
        contenders={"zoo": lambda data, threads, seed: log.append(("zoo", seed))},
        quality=lambda data, result: {},
        number=2,
        before=lambda data: log.append(("before", clock.perf_counter())),
    )
    result = harness.run_case(case, repeats=1, threads=1)
    assert [entry[0] for entry in log] == ["before", "zoo"] * 4  # warm-up and timed round, 2 calls each
    assert result.outcomes[0].seconds == [1.0]


@pytest.mark.parametrize("fails_in", [None, "setup", "quality"])
def test_after_runs_once_when_the_case_is_done(harness, fails_in):
    log = []

    def setup(quick):
        if fails_in == "setup":
            raise RuntimeError("no data")
        log.append("setup")

    def quality(data, result):
        log.append("quality")
        if fails_in == "quality":
            raise RuntimeError("no score")
        return {}

    case = harness.Case(
        name="cluster",
        description="starts something that keeps running",
        setup=setup,
        contenders={"zoo": lambda data, threads, seed: log.append("zoo")},
        quality=quality,
        after=lambda: log.append("after"),
    )
    if fails_in == "setup":
        with pytest.raises(RuntimeError, match="no data"):
            harness.run_case(case, repeats=1, threads=1)
        assert log == ["after"]
    else:
        harness.run_case(case, repeats=1, threads=1)
        assert log == ["setup", "zoo", "zoo", "quality", "after"]


def test_the_summary_names_the_fastest_other_library(harness):
    def outcome(name, seconds):
        return harness.Outcome(name, seconds=[seconds])

    case = harness.Case("fit", "", lambda quick: None, {}, lambda d, r: {})
    results = [harness.CaseResult(case, [outcome("zoo", 1.0), outcome("zoo (CPU)", 0.5), outcome("slow", 4.0),
                                         outcome("fast", 2.0)], repeats=1, number=1)]
    summary = harness.render_summary(results)
    assert "| fit | 1 s | fast | 2 s | 2.00× |" in summary.splitlines(), summary


def test_installed_keeps_zoo_and_the_contenders_whose_library_imported(harness):
    contenders = {"zoo": 0, "scikit-learn": 1, "scikit-learn (full)": 2, "mlpack": 3, "other": 4}
    kept = harness.installed({"scikit-learn": None, "mlpack": harness}, contenders)
    assert kept == {"zoo": 0, "mlpack": 3, "other": 4}
