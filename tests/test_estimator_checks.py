"""The shared API-conformance suite: every public zoo estimator passes
scikit-learn's check_estimator. Each family adds its estimators to
ESTIMATORS with small, fast parameters."""

import pytest

import zoo
import zoo.preprocessing

sklearn_checks = pytest.importorskip("sklearn.utils.estimator_checks")

# Full-batch gradient descent in float64 makes a network's fit a
# deterministic function of the weighted data, so sample weights are exactly
# equivalent to repeated rows, as scikit-learn checks.
_NETWORK = dict(hidden_layer_sizes=(16,), epochs=200, batch_size=4096, shuffle=False, learning_rate=0.05,
                dtype="float64", random_state=0)

ESTIMATORS = [
    zoo.KMeans(n_clusters=2, n_init=2, max_iter=5, random_state=0),
    zoo.MiniBatchKMeans(n_clusters=2, n_init=2, max_iter=5, batch_size=10, random_state=0),
    zoo.MLPClassifier(**_NETWORK),
    zoo.MLPRegressor(**_NETWORK),
    zoo.MLP(**_NETWORK),
    zoo.LinearRegression(),
    zoo.Ridge(),
    zoo.Lasso(),
    zoo.ElasticNet(),
    zoo.LogisticRegression(),
    # Full batches, as for the networks above; Adam, whose steps stay near
    # learning_rate on the checks' unscaled data (features around 100),
    # where plain gradient steps would diverge.
    zoo.SGDRegressor(optimizer="adam", batch_size="full", learning_rate=0.05, epochs=200, random_state=0),
    zoo.SGDClassifier(optimizer="adam", batch_size="full", learning_rate=0.05, epochs=200, random_state=0),
    zoo.DecisionTreeClassifier(random_state=0),
    zoo.DecisionTreeRegressor(random_state=0),
    # Tight tolerances and a fixed gamma make weighted and repeated rows the
    # same problem solved to the same point (gamma="scale" reads X's
    # variance, which repetition changes).
    zoo.SVC(gamma=0.5, tol=1e-10),
    zoo.LinearSVC(tol=1e-10, max_iter=100_000, random_state=0),
    zoo.PCA(),
    zoo.IncrementalPCA(),
    zoo.DBSCAN(),
    zoo.Autoencoder(encoder_layer_sizes=(8, 2), epochs=50, batch_size=4096, shuffle=False, learning_rate=0.01,
                    dtype="float64", random_state=0, n_jobs=1),
    # A GAN has neither predict nor transform, and fit takes no
    # sample_weight: the checks that compare outputs (pickling, subset and
    # order invariance, idempotent fits, pipelines, 1-D rows at predict)
    # have nothing of its to compare and pass vacuously, and the weight
    # checks do not run. tests/unsupervised/test_gan.py checks sample and
    # discriminate, pickling and persistence itself.
    zoo.GAN(generator_layers=(8,), discriminator_layers=(8,), latent_dim=2, epochs=2, batch_size=16,
            random_state=0, n_jobs=1),
    zoo.preprocessing.StandardScaler(),
    zoo.preprocessing.MinMaxScaler(),
    zoo.preprocessing.MaxAbsScaler(),
    # Generated test data holds floats never seen in fit: encode them as zeros.
    zoo.preprocessing.OneHotEncoder(handle_unknown="ignore"),
]

# scikit-learn grants its own KMeans and MiniBatchKMeans the same exemption:
# k-means++ draws different points from weighted rows than from repeated
# rows, so the fits differ; sample weights are tested for equivalence with
# repetition from a fixed initialisation in tests/unsupervised/.
EXPECTED_FAILURES = {
    "KMeans": {"check_sample_weight_equivalence_on_dense_data": "random seeding sees different rows"},
    "MiniBatchKMeans": {"check_sample_weight_equivalence_on_dense_data": "random seeding sees different rows"},
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_check_estimator(estimator):
    name = type(estimator).__name__
    results = sklearn_checks.check_estimator(
        estimator, on_fail=None, expected_failed_checks=EXPECTED_FAILURES.get(name, {})
    )
    failed = [f"{r['check_name']}: {r['exception']!r}" for r in results if r["status"] == "failed"]
    assert not failed, "\n".join(failed)
    passed = [r for r in results if r["status"] == "passed"]
    assert len(passed) >= 40, f"only {len(passed)} checks ran for {name}"
