import os
import re
import subprocess
import sys
import time

import pytest

from zoo import _tour


@pytest.fixture(scope="module")
def tour_run():
    """`python -m zoo tour` once, its output captured (so not a terminal)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "zoo", "tour"], capture_output=True, encoding="utf-8",
                          timeout=300, env=env)


def _table(stdout):
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("algorithm"))
    end = lines.index("", header)
    return lines[header], lines[header + 2:end], lines


def test_tour_rows_report_quality_and_time(tour_run):
    assert tour_run.returncode == 0, tour_run.stderr
    _, rows, _ = _table(tour_run.stdout)
    assert not [row for row in rows if "FAILED" in row]
    kmeans_iris = next(row for row in rows if row.startswith("KMeans ") and "iris" in row)
    # k-means on iris recovers the species only partly; about 0.73 is typical.
    ari = float(re.search(r"ARI vs species (\d\.\d+)", kmeans_iris).group(1))
    assert 0.6 < ari <= 1.0
    times = [float(row.split()[-1].rstrip("s")) for row in rows if re.search(r"\d+\.\d\ds$", row)]
    assert len(times) == len(_tour.ENTRIES) and all(seconds >= 0 for seconds in times)
    names = {row[:_tour.COLUMNS[0][1]].strip() for row in rows}
    assert {"KMeans", "MiniBatchKMeans", "SMOTE", "MLPClassifier + EWC", "DQN"} <= names


def test_the_tour_fits_100_columns_and_says_how_long_it_took(tour_run):
    lines = tour_run.stdout.splitlines()
    assert max(map(len, lines)) <= 100, max(lines, key=len)
    assert re.fullmatch(rf"{len(_tour.ENTRIES)} algorithms in \d+\.\ds, \d+\.\ds of it training\.", lines[-1])


def test_no_terminal_control_characters_when_not_a_terminal(tour_run):
    assert not re.search(r"[\r\x1b\x08]", tour_run.stdout)


def test_python_m_zoo_tour_prints_an_aligned_table(tour_run):
    header, rows, _ = _table(tour_run.stdout)
    assert header.split() == ["algorithm", "trained", "on", "result", "time"]
    # Aligned: every result starts where its header does; times end at the right edge.
    column = header.index("result")
    for row in rows:
        if len(row) > column and row[column] != " ":
            assert row[column - 2:column] == "  "
        assert len(row) <= len(header)
    assert all(row.endswith("s") for row in rows if not row.startswith(" "))


class _Stream:
    """A stdout stand-in that remembers what had been flushed."""

    def __init__(self, terminal=False):
        self.parts, self.flushed, self.terminal = [], "", terminal

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        self.flushed = "".join(self.parts)

    def isatty(self):
        return self.terminal

    @property
    def text(self):
        return "".join(self.parts)


def test_each_row_is_printed_as_soon_as_it_is_done(monkeypatch):
    stream = _Stream()

    def first():
        return _tour.TourRow("First", "toy", "fine", 0.25)

    def second():
        # The first row is on screen (written and flushed) before this one starts.
        assert re.search(r"^First +toy +fine +0\.25s$", stream.flushed, re.M)
        return _tour.TourRow("Second", "toy", "fine", 0.5)

    monkeypatch.setattr(_tour, "ENTRIES", [first, second])
    assert _tour.main([], stream=stream) == 0
    assert re.search(r"^Second +toy +fine +0\.50s$", stream.text, re.M)
    assert stream.text.splitlines()[-1] == "2 algorithms in " + stream.text.splitlines()[-1].split(" in ")[1]
    assert not re.search(r"[\r\x1b]", stream.text)


def test_a_terminal_sees_a_progress_line_per_row(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Stream(terminal=True)

    def slow():
        """Something slow"""
        time.sleep(0.5)  # long enough for the line to be redrawn
        return _tour.TourRow("Slow", "toy", "fine", 0.5)

    monkeypatch.setattr(_tour, "ENTRIES", [slow])
    assert _tour.main([], stream=stream) == 0
    text = stream.text
    progress = re.findall(r"\r\x1b\[K  \[1/1\] training Something slow… \d+\.\ds", text)
    assert len(progress) >= 2  # drawn, then redrawn with the time so far
    # The row overwrites the progress line; without it, the output is the plain table.
    assert "\r\x1b[KSlow" in text
    plain = re.sub(r"\r\x1b\[K(  \[1/1\][^\r]*)?", "", text)
    assert "\x1b" not in plain and "\r" not in plain  # NO_COLOR: no bold or red
    assert re.search(r"^Slow +toy +fine +0\.50s$", plain, re.M)


def test_a_terminal_gets_bold_headers_unless_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = _Stream(terminal=True)
    monkeypatch.setattr(_tour, "ENTRIES", [lambda: _tour.TourRow("Fine", "toy", "perfect", 0.5)])
    _tour.main([], stream=stream)
    assert "\x1b[1malgorithm" in stream.text


def test_long_cells_wrap_within_their_columns():
    cells = ("a very long algorithm name that cannot fit", "trained on " * 8, "quality " * 30, "1.00s")
    lines = _tour.format_row(cells)
    assert 1 < len(lines) <= _tour.MAX_CELL_LINES
    assert all(len(line) <= _tour.WIDTH for line in lines)
    first_column = " ".join(line[:_tour.COLUMNS[0][1]].strip() for line in lines).strip()
    assert first_column == cells[0]
    assert lines[-1].endswith("…")  # the result was cut after MAX_CELL_LINES lines
    assert lines[0].endswith("1.00s")


def test_failing_entry_is_shown_not_fatal(monkeypatch):
    def broken():
        raise RuntimeError("no data")

    def fine():
        return _tour.TourRow("Fine", "toy", "perfect", 0.5)

    table = _tour.format_table(_tour.run_entries([fine, broken]))
    lines = table.splitlines()
    assert lines[0].split() == ["algorithm", "trained", "on", "result", "time"]
    assert lines[2].split() == ["Fine", "toy", "perfect", "0.50s"]
    assert "broken" in lines[3] and "FAILED: RuntimeError: no data" in lines[3]

    stream = _Stream()
    monkeypatch.setattr(_tour, "ENTRIES", [fine, broken])
    assert _tour.main([], stream=stream) == 1
    assert stream.text.splitlines()[-1].endswith("1 failed: broken.")


def test_tour_help():
    usage = subprocess.run([sys.executable, "-m", "zoo", "tour", "--help"], capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode == 0
    assert usage.stdout.startswith("usage: python -m zoo tour")


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


def test_ctrl_c_stops_the_tour_with_a_summary(monkeypatch):
    stream = _Stream()

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(_tour, "ENTRIES", [lambda: _tour.TourRow("Fine", "toy", "perfect", 0.5), interrupted])
    assert _tour.main([], stream=stream) == 130
    assert stream.text.splitlines()[-1] == "Interrupted after 1 of 2 algorithms."
