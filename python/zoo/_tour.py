"""``python -m zoo tour``: every algorithm, trained once on built-in data.

Each family adds one or more entries to :data:`ENTRIES` with
:func:`tour_entry`: a small function that trains on built-in data (no
downloads; about a second, a few for the GAN, which needs thousands of
generator steps to reach every mode) and returns a :class:`TourRow`. The tour
runs them in order and prints each row of one aligned table as soon as it
has finished (with a progress line while it runs, on a terminal).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import threading
import time
from typing import Callable, NamedTuple


class TourRow(NamedTuple):
    algorithm: str
    data: str
    quality: str
    seconds: float


ENTRIES: list[Callable[[], TourRow]] = []


def tour_entry(function: Callable[[], TourRow]) -> Callable[[], TourRow]:
    """Register ``function`` as a tour entry (used as a decorator)."""
    ENTRIES.append(function)
    return function


def timed(fit: Callable[[], object]) -> tuple[object, float]:
    """Call ``fit`` and return its result and the seconds it took."""
    start = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - start


# ------------------------------------------------------------- clustering


def _blobs():
    from zoo.datasets import make_blobs

    return make_blobs(20_000, 16, centers=10, random_state=0)


@tour_entry
def kmeans_iris() -> TourRow:
    """KMeans on iris"""
    from zoo import KMeans
    from zoo.datasets import load_iris
    from zoo.metrics import adjusted_rand_score

    X, species = load_iris()
    model, seconds = timed(lambda: KMeans(n_clusters=3, random_state=0).fit(X))
    ari = adjusted_rand_score(species, model.labels_)
    return TourRow("KMeans", "iris 150×4, k=3", f"ARI vs species {ari:.3f}", seconds)


@tour_entry
def kmeans_blobs() -> TourRow:
    """KMeans on 20,000 blobs"""
    from zoo import KMeans
    from zoo.metrics import adjusted_rand_score

    X, blob = _blobs()
    model, seconds = timed(lambda: KMeans(n_clusters=10, random_state=0).fit(X))
    ari = adjusted_rand_score(blob, model.labels_)
    return TourRow("KMeans", "blobs 20,000×16, k=10", _cluster_quality(ari, model), seconds)


@tour_entry
def minibatch_kmeans_blobs() -> TourRow:
    """MiniBatchKMeans on 20,000 blobs"""
    from zoo import MiniBatchKMeans
    from zoo.metrics import adjusted_rand_score

    X, blob = _blobs()
    model, seconds = timed(lambda: MiniBatchKMeans(n_clusters=10, random_state=0).fit(X))
    ari = adjusted_rand_score(blob, model.labels_)
    return TourRow(
        "MiniBatchKMeans", "blobs 20,000×16, k=10", _cluster_quality(ari, model), seconds
    )


def _cluster_quality(ari, model) -> str:
    return f"ARI {ari:.3f}, inertia {model.inertia_:,.0f}"


@tour_entry
def dbscan_blobs() -> TourRow:
    """DBSCAN on 100,000 points"""
    import numpy as np

    from zoo import DBSCAN
    from zoo.datasets import make_blobs

    X, _ = make_blobs(100_000, 2, centers=20, cluster_std=0.5, random_state=0)
    model, seconds = timed(lambda: DBSCAN(eps=0.1, min_samples=10).fit(X))
    n_clusters = int(model.labels_.max()) + 1
    noise = float(np.mean(model.labels_ == -1))
    return TourRow("DBSCAN", "blobs 100,000×2, eps 0.1", f"{n_clusters} clusters, {noise:.1%} noise", seconds)


@tour_entry
def pca_digits_like() -> TourRow:
    """PCA on 50,000×256"""
    import numpy as np

    from zoo import PCA

    rng = np.random.default_rng(0)
    # 16 strong directions plus isotropic noise in 256 dimensions.
    X = (rng.normal(size=(50_000, 16)) * np.linspace(5, 1, 16)) @ rng.normal(size=(16, 256))
    X = (X + rng.normal(size=X.shape)).astype(np.float32)
    model, seconds = timed(lambda: PCA(n_components=0.9).fit(X))
    return TourRow("PCA", "50,000×256 float32, 90% variance",
                   f"{model.n_components_} components, {model.explained_variance_ratio_.sum():.3f} kept", seconds)


@tour_entry
def autoencoder_sheet() -> TourRow:
    """an autoencoder on a curved sheet"""
    import numpy as np

    from zoo import Autoencoder

    rng = np.random.default_rng(0)
    t = rng.uniform(-1.5, 1.5, size=(8_000, 2))
    sheet = np.column_stack([t, np.sin(2 * t[:, 0]) * np.cos(t[:, 1])])  # a curved 2-D sheet
    X = (sheet @ rng.normal(size=(3, 20))).astype(np.float32)
    model, seconds = timed(lambda: Autoencoder((32, 2), activation="tanh", learning_rate=3e-3, epochs=30,
                                               batch_size=64, random_state=0).fit(X))
    error = float(model.reconstruction_error(X).mean() / X.var(axis=0).sum())
    return TourRow("Autoencoder", "curved sheet 8,000×20, 2-D code", f"relative squared error {error:.1e}", seconds)


# ------------------------------------------------------- neural networks


@tour_entry
def mlp_classifier() -> TourRow:
    """MLPClassifier on 10 classes"""
    from zoo import MLPClassifier
    from zoo.datasets import make_classification

    X, y = make_classification(12_000, 64, n_classes=10, n_informative=12, random_state=0, dtype="float32")
    train, test = slice(0, 10_000), slice(10_000, None)
    model, seconds = timed(
        lambda: MLPClassifier((128, 64), batch_size=128, epochs=5, random_state=0).fit(X[train], y[train])
    )
    accuracy = model.score(X[test], y[test])
    return TourRow("MLPClassifier", "10 classes 10,000×64, 5 epochs", f"test accuracy {accuracy:.3f}", seconds)


@tour_entry
def mlp_regressor() -> TourRow:
    """MLPRegressor on a noisy sine"""
    import numpy as np

    from zoo import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(4000, 1))
    y = np.sin(X[:, 0]) + rng.normal(scale=0.1, size=4000)
    model, seconds = timed(
        lambda: MLPRegressor((32, 32), activation="tanh", learning_rate=0.01, epochs=40, random_state=0).fit(X, y)
    )
    return TourRow("MLPRegressor", "noisy sine 4,000×1, 40 epochs", f"R² {model.score(X, y):.3f}", seconds)


@tour_entry
def mlp_lr_find() -> TourRow:
    """the learning-rate finder, then a fit at its suggestion"""
    import numpy as np

    from zoo import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]

    def find_then_fit():
        model = MLPRegressor((32,), epochs=20, random_state=0)
        model.set_params(learning_rate=model.lr_find(X, y).suggestion)
        return model.fit(X, y)

    model, seconds = timed(find_then_fit)
    # The same 20 epochs at the default rate, for comparison.
    default = MLPRegressor((32,), epochs=20, random_state=0).fit(X, y)
    return TourRow("MLPRegressor.lr_find", "1,000×4, then 20 epochs at its rate",
                   f"lr {model.learning_rate:.2g}: R² {model.score(X, y):.3f}; 1e-3: {default.score(X, y):.3f}",
                   seconds)


@tour_entry
def gan_ring() -> TourRow:
    """a GAN on the ring of 8 Gaussians"""
    import numpy as np

    from zoo import GAN
    from zoo.datasets import make_gaussian_ring
    from zoo.metrics import mode_coverage

    # The mode-collapse test of bench/bench_gan.py. 10,000 rows rather than fewer: the generator needs about
    # 2,300 steps (30 epochs of 79 batches) to reach every mode; on 5,000 rows, 30 or 40 epochs covered 3 of 8.
    X, _, centers = make_gaussian_ring(10_000, std=0.02, random_state=0, dtype=np.float32, return_centers=True)
    model, seconds = timed(lambda: GAN((128, 128), (128, 128), latent_dim=2, batch_size=128, epochs=30,
                                       random_state=0).fit(X))
    coverage = mode_coverage(model.sample(2_500, random_state=0), centers, 0.02)
    return TourRow("GAN", "8-Gaussian ring 10,000×2, 30 epochs",
                   f"{coverage.modes_covered} of 8 modes, {coverage.high_quality_fraction:.0%} high quality", seconds)


# ------------------------------------------------------- supervised classics


def _regression_data():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 50))
    coef = np.where(rng.random(50) < 0.2, rng.normal(scale=3.0, size=50), 0.0)  # 10 of 50 features matter
    return X, X @ coef + 1.0 + rng.normal(scale=0.5, size=20_000)


@tour_entry
def linear_regression() -> TourRow:
    """LinearRegression"""
    from zoo import LinearRegression

    X, y = _regression_data()
    model, seconds = timed(lambda: LinearRegression().fit(X, y))
    return TourRow("LinearRegression", "20,000×50, LAPACK", f"R² {model.score(X, y):.4f}", seconds)


@tour_entry
def lasso() -> TourRow:
    """Lasso"""
    import numpy as np

    from zoo import Lasso

    X, y = _regression_data()
    model, seconds = timed(lambda: Lasso(alpha=0.1).fit(X, y))
    kept = int(np.count_nonzero(model.coef_))
    return TourRow("Lasso", "20,000×50, coordinate descent", f"R² {model.score(X, y):.4f}, {kept} of 50 kept",
                   seconds)


def _classes():
    from zoo.datasets import make_classification

    X, y = make_classification(12_000, 20, n_classes=4, n_informative=10, random_state=0)
    return X[:10_000], y[:10_000], X[10_000:], y[10_000:]


@tour_entry
def logistic_regression() -> TourRow:
    """LogisticRegression"""
    from zoo import LogisticRegression

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: LogisticRegression().fit(X, y))
    return TourRow("LogisticRegression", "4 classes 10,000×20, L-BFGS", f"test accuracy {model.score(X_test, y_test):.3f}",
                   seconds)


@tour_entry
def decision_tree() -> TourRow:
    """a decision tree"""
    from zoo import DecisionTreeClassifier

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: DecisionTreeClassifier(min_samples_leaf=5, random_state=0).fit(X, y))
    return TourRow("DecisionTreeClassifier", "4 classes 10,000×20",
                   f"test accuracy {model.score(X_test, y_test):.3f}, depth {model.get_depth()}", seconds)


@tour_entry
def svc() -> TourRow:
    """an RBF SVC"""
    from zoo import SVC

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: SVC().fit(X[:4000], y[:4000]))
    return TourRow("SVC", "rbf, 4 classes 4,000×20", f"test accuracy {model.score(X_test, y_test):.3f}", seconds)


@tour_entry
def linear_svc() -> TourRow:
    """LinearSVC"""
    from zoo import LinearSVC

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: LinearSVC(random_state=0).fit(X, y))
    return TourRow("LinearSVC", "4 classes 10,000×20", f"test accuracy {model.score(X_test, y_test):.3f}", seconds)


# ------------------------------------------------ the practitioner's workflow


@tour_entry
def grid_search_pipeline() -> TourRow:
    """a grid search over C"""
    from zoo import LogisticRegression
    from zoo.model_selection import grid_search, train_test_split
    from zoo.preprocessing import StandardScaler

    X, y, _, _ = _classes()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    search, seconds = timed(lambda: grid_search(LogisticRegression(), {"C": [0.001, 0.01, 0.1, 1.0]},
                                                scaler.transform(X_train), y_train, cv=5, n_jobs=2))
    accuracy = search.score(scaler.transform(X_test), y_test)
    return TourRow("grid_search + scaler", "LogisticRegression, 4 C × 5 folds",
                   f"best C {search.best_params_['C']:g}, test accuracy {accuracy:.3f}", seconds)


@tour_entry
def smote_minority_recall() -> TourRow:
    """LogisticRegression with and without SMOTE"""
    import numpy as np

    from zoo import LogisticRegression
    from zoo.imbalance import SMOTE
    from zoo.metrics import recall_score
    from zoo.model_selection import train_test_split

    # Two overlapping Gaussians in 10-D, 5% of the points in the minority class.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, size=(7_600, 10)), rng.normal(0.5, 1.0, size=(400, 10))])
    y = np.repeat([0, 1], [7_600, 400])
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    plain = LogisticRegression().fit(X_train, y_train)
    (X_res, y_res), seconds = timed(lambda: SMOTE(random_state=0).fit_resample(X_train, y_train))
    balanced = LogisticRegression().fit(X_res, y_res)
    before, after = (recall_score(y_test, model.predict(X_test)) for model in (plain, balanced))
    return TourRow("SMOTE", "8,000×10, 5% minority", f"minority recall {before:.2f} -> {after:.2f}", seconds)


@tour_entry
def continual_ewc() -> TourRow:
    """two tasks in a row, with and without EWC"""
    import numpy as np

    from zoo import MLPClassifier
    from zoo.datasets import make_classification
    from zoo.nn import ContinualLearning

    X, y = make_classification(1_200, 30, n_classes=4, n_informative=8, n_clusters_per_class=1, class_sep=2.0,
                               random_state=0)
    second_order = np.random.default_rng(0).permutation(30)
    tasks = [(X[:800], y[:800]), (X[:800, second_order], y[:800])]

    def first_task_accuracy(**params):
        model = MLPClassifier((64,), epochs=30, learning_rate=0.01, random_state=0, n_jobs=1, **params)
        for X_task, y_task in tasks:
            model.fit(X_task, y_task)
        return model.score(X[800:], y[800:])

    plain = first_task_accuracy(warm_start=True)
    ewc, seconds = timed(lambda: first_task_accuracy(continual=ContinualLearning(ewc_lambda=100.0)))
    # Accuracy on the first task once the second has been learnt.
    return TourRow("MLPClassifier + EWC", "2 tasks (permuted inputs), 800×30",
                   f"old task {plain:.2f} plain, {ewc:.2f} EWC", seconds)


# ---------------------------------------------------- reinforcement learning


@tour_entry
def q_learning_cliff() -> TourRow:
    """QLearning on CliffWalking"""
    from zoo import QLearning

    model, seconds = timed(lambda: QLearning(random_state=0).fit("CliffWalking-v1", 30_000))
    mean, _ = model.evaluate("CliffWalking-v1", n_episodes=1)
    return TourRow("QLearning", "CliffWalking-v1 (native), 30k steps", f"greedy return {mean:.0f} (optimum -13)",
                   seconds)


@tour_entry
def dqn_cartpole() -> TourRow:
    """DQN on CartPole"""
    from zoo import DQN

    # The recipe of docs/reinforcement.md: solves CartPole for 19 of seeds 0-19.
    model, seconds = timed(lambda: DQN(eval_interval=2_000, random_state=0).fit("CartPole-v1", 50_000))
    mean, _ = model.evaluate("CartPole-v1", n_episodes=10, seed=0)
    return TourRow("DQN", "CartPole-v1 (native), 50k steps", f"greedy return {mean:.0f} (max 500)", seconds)


@tour_entry
def actor_critic_cartpole() -> TourRow:
    """ActorCritic on CartPole"""
    from zoo import ActorCritic

    model, seconds = timed(lambda: ActorCritic(shared=True, learning_rate=2e-3, random_state=0)
                           .fit("CartPole-v1", 100_000))
    mean, _ = model.evaluate("CartPole-v1", n_episodes=20, seed=0)
    return TourRow("ActorCritic", "CartPole-v1 (native), 100k steps", f"greedy return {mean:.0f} (max 500)", seconds)


# ---------------------------------------------------------------- running

# The table is printed a row at a time, so its columns are fixed in advance:
# (header, width, alignment). Together with the gaps they fill 100 columns;
# a longer cell wraps onto the next line of its column.
COLUMNS = (("algorithm", 22, "<"), ("trained on", 35, "<"), ("result", 31, "<"), ("time", 6, ">"))
GAP = "  "
WIDTH = sum(width for _, width, _ in COLUMNS) + len(GAP) * (len(COLUMNS) - 1)
MAX_CELL_LINES = 4  # a failure's message is cut after this many lines


def run_entries(entries=None, on_start=None, on_row=None) -> list[TourRow | tuple[str, BaseException]]:
    """Run each entry; a failing one is kept as (name, exception), not fatal.

    ``on_start(index, entry)`` is called before each entry runs and
    ``on_row(row, wall_seconds)`` as soon as it has finished, so a caller can
    show each row as it comes.
    """
    rows = []
    for index, entry in enumerate(ENTRIES if entries is None else entries):
        if on_start is not None:
            on_start(index, entry)
        start = time.perf_counter()
        try:
            row = entry()
        except Exception as exc:  # noqa: BLE001 - shown in the table
            row = (entry.__name__, exc)
        rows.append(row)
        if on_row is not None:
            on_row(row, time.perf_counter() - start)
    return rows


def entry_title(entry) -> str:
    """What an entry trains, for the progress line: its docstring's first line."""
    doc = (entry.__doc__ or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else entry.__name__.replace("_", " ")


def _seconds(seconds: float) -> str:
    return f"{seconds:.2f}s" if seconds < 100 else f"{seconds:.0f}s"


def _cells(row) -> tuple[str, str, str, str]:
    if isinstance(row, TourRow):
        return row.algorithm, row.data, row.quality, _seconds(row.seconds)
    name, exc = row
    return name, "", f"FAILED: {type(exc).__name__}: {exc}", ""


def format_row(cells) -> list[str]:
    """The lines of one table row: each cell wrapped to its column's width."""
    wrapped = []
    for text, (_, width, _) in zip(cells, COLUMNS):
        lines = textwrap.wrap(" ".join(str(text).split()), width, break_on_hyphens=False) or [""]
        if len(lines) > MAX_CELL_LINES:
            lines = lines[:MAX_CELL_LINES]
            lines[-1] = lines[-1][: width - 1] + "…"
        wrapped.append(lines)
    out = []
    for i in range(max(map(len, wrapped))):
        parts = []
        for lines, (_, width, align) in zip(wrapped, COLUMNS):
            text = lines[i] if i < len(lines) else ""
            parts.append(text.rjust(width) if align == ">" else text.ljust(width))
        out.append(GAP.join(parts).rstrip())
    return out


def table_header() -> list[str]:
    """The column titles and the rule under them."""
    return format_row([title for title, _, _ in COLUMNS]) + [GAP.join("─" * width for _, width, _ in COLUMNS)]


def format_table(rows) -> str:
    """The whole table; failed entries show their error as the result."""
    lines = table_header()
    for row in rows:
        lines += format_row(_cells(row))
    return "\n".join(lines)


class _Style:
    """Bold and red on a terminal (unless NO_COLOR is set); nothing elsewhere."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text


class _Progress:
    """On a terminal, a line saying what is training and for how long,
    redrawn until the finished row overwrites it. Elsewhere, nothing."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled = stream, enabled
        self._stop = threading.Event()
        self._thread = None
        self._text = ""
        self._start = 0.0

    def start(self, text: str) -> None:
        if not self.enabled:
            return
        self._text, self._start = text, time.perf_counter()
        self._stop.clear()
        self._draw()
        self._thread = threading.Thread(target=self._redraw, daemon=True)
        self._thread.start()

    def _draw(self) -> None:
        elapsed = f" {time.perf_counter() - self._start:.1f}s"
        text = self._text[: WIDTH - len(elapsed)]
        self.stream.write(f"\r\033[K{text}{elapsed}")
        self.stream.flush()

    def _redraw(self) -> None:
        while not self._stop.wait(0.2):
            self._draw()

    def clear(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        if self.enabled:
            self.stream.write("\r\033[K")


def main(argv=None, stream=None) -> int:
    argparse.ArgumentParser(
        prog="python -m zoo tour",
        description="Train each zoo algorithm on built-in data; show quality and time, a row as each finishes.",
    ).parse_args(argv)
    import zoo

    out = sys.stdout if stream is None else stream
    terminal = bool(getattr(out, "isatty", lambda: False)())
    style = _Style(terminal and not os.environ.get("NO_COLOR"))
    progress = _Progress(out, terminal)
    entries = list(ENTRIES)
    total = len(entries)

    def say(line: str = "") -> None:
        out.write(line + "\n")
        out.flush()

    say(style(f"zoo {getattr(zoo, '__version__', '')} tour", "1")
        + f": {total} algorithms, each trained once on built-in data (no downloads)")
    say("Each row is printed as soon as it is done; its time counts the training alone.")
    say()
    for line in table_header():
        say(style(line, "1"))

    fit_seconds, finished, failed = 0.0, 0, []

    def on_start(index, entry):
        progress.start(f"  [{index + 1}/{total}] training {entry_title(entry)}…")

    def on_row(row, wall):
        nonlocal fit_seconds, finished
        progress.clear()
        finished += 1
        lines = format_row(_cells(row))
        if isinstance(row, TourRow):
            fit_seconds += row.seconds
        else:
            failed.append(row[0])
            lines = [style(line, "31") for line in lines]
        for line in lines:
            say(line)

    start = time.perf_counter()
    try:
        run_entries(entries, on_start, on_row)
    except KeyboardInterrupt:  # Ctrl-C: say how far it got, without a traceback
        progress.clear()
        say()
        say(style(f"Interrupted after {finished} of {total} algorithms.", "1"))
        return 130
    finally:
        progress.clear()
    wall = time.perf_counter() - start
    say()
    summary = f"{total} algorithms in {wall:.1f}s, {fit_seconds:.1f}s of it training."
    if failed:
        summary += f" {len(failed)} failed: {', '.join(failed)}."
    say(style(summary, "1"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
