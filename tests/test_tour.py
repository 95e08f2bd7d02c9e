import subprocess
import sys

from zoo import _tour


def test_tour_rows_report_quality_and_time():
    rows = _tour.run_entries()
    failures = [row for row in rows if not isinstance(row, _tour.TourRow)]
    assert not failures
    kmeans_iris = next(row for row in rows if row.algorithm == "KMeans" and "iris" in row.data)
    # k-means on iris recovers the species only partly; about 0.73 is typical.
    ari = float(kmeans_iris.quality.split()[-1])
    assert 0.6 < ari <= 1.0
    assert all(row.seconds >= 0 for row in rows)
    assert {"KMeans", "MiniBatchKMeans", "SMOTE", "MLPClassifier ewc_lambda"} <= {row.algorithm for row in rows}


def test_failing_entry_is_shown_not_fatal():
    def broken():
        raise RuntimeError("no data")

    def fine():
        return _tour.TourRow("Fine", "toy", "perfect", 0.5)

    table = _tour.format_table(_tour.run_entries([fine, broken]))
    lines = table.splitlines()
    assert lines[0].split() == ["algorithm", "trained", "on", "quality", "seconds"]
    assert lines[2].split() == ["Fine", "toy", "perfect", "0.500"]
    assert "broken" in lines[3] and "FAILED: RuntimeError: no data" in lines[3]


def test_python_m_zoo_tour_prints_an_aligned_table():
    done = subprocess.run(
        [sys.executable, "-m", "zoo", "tour"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("algorithm"))
    kmeans = [line for line in lines[header + 2:] if line.startswith("KMeans ")]
    assert kmeans and any("ARI vs species" in line for line in kmeans)
    # Aligned: every quality column starts where its header does.
    column = lines[header].index("quality")
    for line in lines[header + 2:]:
        assert line[column - 2:column] == "  " and line[column] != " "


def test_python_m_zoo_version_and_help():
    import zoo

    version = subprocess.run([sys.executable, "-m", "zoo", "--version"],
                             capture_output=True, text=True, timeout=60)
    assert version.returncode == 0
    assert version.stdout.strip() == f"zoo {zoo.__version__}"
    usage = subprocess.run([sys.executable, "-m", "zoo", "--help"],
                           capture_output=True, text=True, timeout=60)
    assert usage.returncode == 0
    assert "tour" in usage.stdout and "bench" in usage.stdout
