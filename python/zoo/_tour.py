"""``python -m zoo tour``: every algorithm, trained once on built-in data.

Each family adds one or more entries to :data:`ENTRIES` with
:func:`tour_entry`: a small function that trains on built-in data (no
downloads, about a second at most) and returns a :class:`TourRow`. The tour
runs them in order and prints one aligned table.
"""

from __future__ import annotations

import argparse
import sys
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
    from zoo import KMeans
    from zoo.datasets import load_iris
    from zoo.metrics import adjusted_rand_score

    X, species = load_iris()
    model, seconds = timed(lambda: KMeans(n_clusters=3, random_state=0).fit(X))
    ari = adjusted_rand_score(species, model.labels_)
    return TourRow("KMeans", "iris 150×4, k=3", f"ARI vs species {ari:.3f}", seconds)


@tour_entry
def kmeans_blobs() -> TourRow:
    from zoo import KMeans
    from zoo.metrics import adjusted_rand_score

    X, blob = _blobs()
    model, seconds = timed(lambda: KMeans(n_clusters=10, random_state=0).fit(X))
    ari = adjusted_rand_score(blob, model.labels_)
    return TourRow("KMeans", "blobs 20,000×16, k=10", _cluster_quality(ari, model), seconds)


@tour_entry
def minibatch_kmeans_blobs() -> TourRow:
    from zoo import MiniBatchKMeans
    from zoo.metrics import adjusted_rand_score

    X, blob = _blobs()
    model, seconds = timed(lambda: MiniBatchKMeans(n_clusters=10, random_state=0).fit(X))
    ari = adjusted_rand_score(blob, model.labels_)
    return TourRow(
        "MiniBatchKMeans", "blobs 20,000×16, k=10", _cluster_quality(ari, model), seconds
    )


def _cluster_quality(ari, model) -> str:
    return f"ARI vs blobs {ari:.3f}, inertia {model.inertia_:,.0f}"


@tour_entry
def dbscan_blobs() -> TourRow:
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
    import numpy as np

    from zoo import PCA

    rng = np.random.default_rng(0)
    # 16 strong directions plus isotropic noise in 256 dimensions.
    X = (rng.normal(size=(50_000, 16)) * np.linspace(5, 1, 16)) @ rng.normal(size=(16, 256))
    X = (X + rng.normal(size=X.shape)).astype(np.float32)
    model, seconds = timed(lambda: PCA(n_components=0.9).fit(X))
    return TourRow("PCA", "50,000×256 float32, keep 90% variance",
                   f"{model.n_components_} components, {model.explained_variance_ratio_.sum():.3f} kept", seconds)


@tour_entry
def autoencoder_sheet() -> TourRow:
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
    import numpy as np

    from zoo import MLPRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(4000, 1))
    y = np.sin(X[:, 0]) + rng.normal(scale=0.1, size=4000)
    model, seconds = timed(
        lambda: MLPRegressor((32, 32), activation="tanh", learning_rate=0.01, epochs=40, random_state=0).fit(X, y)
    )
    return TourRow("MLPRegressor", "noisy sine 4,000×1, 40 epochs", f"R² {model.score(X, y):.3f}", seconds)


# ------------------------------------------------------- supervised classics


def _regression_data():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 50))
    coef = np.where(rng.random(50) < 0.2, rng.normal(scale=3.0, size=50), 0.0)  # 10 of 50 features matter
    return X, X @ coef + 1.0 + rng.normal(scale=0.5, size=20_000)


@tour_entry
def linear_regression() -> TourRow:
    from zoo import LinearRegression

    X, y = _regression_data()
    model, seconds = timed(lambda: LinearRegression().fit(X, y))
    return TourRow("LinearRegression", "20,000×50, LAPACK", f"R² {model.score(X, y):.4f}", seconds)


@tour_entry
def lasso() -> TourRow:
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
    from zoo import LogisticRegression

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: LogisticRegression().fit(X, y))
    return TourRow("LogisticRegression", "4 classes 10,000×20, L-BFGS", f"test accuracy {model.score(X_test, y_test):.3f}",
                   seconds)


@tour_entry
def decision_tree() -> TourRow:
    from zoo import DecisionTreeClassifier

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: DecisionTreeClassifier(min_samples_leaf=5, random_state=0).fit(X, y))
    return TourRow("DecisionTreeClassifier", "4 classes 10,000×20",
                   f"test accuracy {model.score(X_test, y_test):.3f}, depth {model.get_depth()}", seconds)


@tour_entry
def svc() -> TourRow:
    from zoo import SVC

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: SVC().fit(X[:4000], y[:4000]))
    return TourRow("SVC", "rbf, 4 classes 4,000×20", f"test accuracy {model.score(X_test, y_test):.3f}", seconds)


@tour_entry
def linear_svc() -> TourRow:
    from zoo import LinearSVC

    X, y, X_test, y_test = _classes()
    model, seconds = timed(lambda: LinearSVC(random_state=0).fit(X, y))
    return TourRow("LinearSVC", "4 classes 10,000×20", f"test accuracy {model.score(X_test, y_test):.3f}", seconds)


# ------------------------------------------------ the practitioner's workflow


@tour_entry
def grid_search_pipeline() -> TourRow:
    from zoo import LogisticRegression
    from zoo.model_selection import grid_search, train_test_split
    from zoo.preprocessing import StandardScaler

    X, y, _, _ = _classes()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    search, seconds = timed(lambda: grid_search(LogisticRegression(), {"C": [0.001, 0.01, 0.1, 1.0]},
                                                scaler.transform(X_train), y_train, cv=5, n_jobs=2))
    accuracy = search.score(scaler.transform(X_test), y_test)
    return TourRow("grid_search + StandardScaler", "LogisticRegression C, 4 values × 5 folds",
                   f"best C {search.best_params_['C']:g}, test accuracy {accuracy:.3f}", seconds)


@tour_entry
def smote_minority_recall() -> TourRow:
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
    return TourRow("MLPClassifier ewc_lambda", "2 tasks (permuted inputs), 800×30 each",
                   f"task-1 accuracy after task 2: {plain:.2f} plain, {ewc:.2f} EWC", seconds)


# ---------------------------------------------------- reinforcement learning


@tour_entry
def q_learning_cliff() -> TourRow:
    from zoo import QLearning

    model, seconds = timed(lambda: QLearning(random_state=0).fit("CliffWalking-v1", 30_000))
    mean, _ = model.evaluate("CliffWalking-v1", n_episodes=1)
    return TourRow("QLearning", "CliffWalking-v1 (native), 30k steps", f"greedy return {mean:.0f} (optimum -13)",
                   seconds)


@tour_entry
def dqn_cartpole() -> TourRow:
    from zoo import DQN

    model, seconds = timed(lambda: DQN((64, 64), learning_rate=2.3e-3, batch_size=64, learning_starts=1_000,
                                       train_freq=256, gradient_steps=128, target_update_interval=10,
                                       exploration_fraction=0.16, exploration_final_eps=0.04,
                                       random_state=0).fit("CartPole-v1", 30_000))
    mean, _ = model.evaluate("CartPole-v1", n_episodes=10, seed=0)
    return TourRow("DQN", "CartPole-v1 (native), 30k steps", f"greedy return {mean:.0f} (max 500)", seconds)


@tour_entry
def actor_critic_cartpole() -> TourRow:
    from zoo import ActorCritic

    model, seconds = timed(lambda: ActorCritic(shared=True, learning_rate=2e-3, random_state=0)
                           .fit("CartPole-v1", 100_000))
    mean, _ = model.evaluate("CartPole-v1", n_episodes=20, seed=0)
    return TourRow("ActorCritic", "CartPole-v1 (native), 100k steps", f"greedy return {mean:.0f} (max 500)", seconds)


# ---------------------------------------------------------------- running


def run_entries(entries=None) -> list[TourRow | tuple[str, BaseException]]:
    """Run each entry; a failing one is kept as (name, exception), not fatal."""
    rows = []
    for entry in ENTRIES if entries is None else entries:
        try:
            rows.append(entry())
        except Exception as exc:  # noqa: BLE001 - shown in the table
            rows.append((entry.__name__, exc))
    return rows


def format_table(rows) -> str:
    """An aligned text table; failed entries show their error as the quality."""
    header = ("algorithm", "trained on", "quality", "seconds")
    cells = [header]
    for row in rows:
        if isinstance(row, TourRow):
            cells.append((row.algorithm, row.data, row.quality, f"{row.seconds:.3f}"))
        else:
            name, exc = row
            cells.append((name, "", f"FAILED: {type(exc).__name__}: {exc}", ""))
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]

    def line(values):
        # Seconds are right-aligned so the decimal points line up.
        left = [value.ljust(width) for value, width in zip(values[:-1], widths)]
        return "  ".join(left + [values[-1].rjust(widths[-1])]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *map(line, cells[1:])])


def main(argv=None) -> int:
    argparse.ArgumentParser(
        prog="python -m zoo tour",
        description="Train each zoo algorithm on built-in data; show quality and time.",
    ).parse_args(argv)
    import zoo

    print(f"zoo {getattr(zoo, '__version__', '')} tour: each algorithm on built-in data\n")
    rows = run_entries()
    print(format_table(rows))
    failures = sum(not isinstance(row, TourRow) for row in rows)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
