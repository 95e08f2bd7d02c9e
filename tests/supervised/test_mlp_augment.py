"""MLP.fit(..., augment=callable): once per epoch, on the training rows only,
seeded from the model and the epoch, checked, never at predict time."""

import numpy as np
import pytest

import zoo

ESTIMATORS = [zoo.MLPClassifier, zoo.MLPRegressor, zoo.MLP]


def problem(n=80, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    labels = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, labels


def targets_for(cls, X, labels):
    return X[:, 0] * 2.0 + X[:, 2] if cls is zoo.MLPRegressor else labels


def model(cls=zoo.MLPClassifier, **params):
    settings = dict(hidden_layer_sizes=(8,), epochs=4, batch_size=16, random_state=3, n_jobs=1)
    settings.update(params)
    return cls(**settings)


class Recorder:
    """An augmentation that remembers what it was given and adds seeded noise."""

    def __init__(self):
        self.inputs, self.seeds = [], []

    def __call__(self, X, random_state):
        self.inputs.append(np.array(X))
        self.seeds.append(random_state)
        return X + np.random.default_rng(random_state).normal(scale=0.1, size=X.shape).astype(X.dtype)


def test_called_once_per_epoch_with_distinct_int_seeds():
    X, y = problem()
    recorder = Recorder()
    model(epochs=5).fit(X, y, augment=recorder)
    assert len(recorder.seeds) == 5
    assert all(isinstance(seed, int) and 0 <= seed < 2**32 for seed in recorder.seeds)
    assert len(set(recorder.seeds)) == 5
    again = Recorder()
    model(epochs=5).fit(X, y, augment=again)
    assert again.seeds == recorder.seeds  # seeded by random_state


def test_validation_split_rows_are_never_augmented():
    X, y = problem()
    recorder = Recorder()
    model(validation_split=0.25).fit(X, y, augment=recorder)
    rows = {row.tobytes() for row in X}
    for given in recorder.inputs:
        assert given.shape == (60, X.shape[1])
        assert {row.tobytes() for row in given} <= rows
        assert len({row.tobytes() for row in given}) == 60
    # Every epoch augments the same 60 training rows; the other 20 are held out.
    first = {row.tobytes() for row in recorder.inputs[0]}
    assert all({row.tobytes() for row in given} == first for given in recorder.inputs)


def test_validation_data_is_never_augmented():
    X, y = problem()
    X_val = X[:20] + 100.0  # recognisable rows
    recorder = Recorder()
    fitted = model(validation_data=(X_val, y[:20])).fit(X, y, augment=recorder)
    assert all(np.array_equal(given, X) for given in recorder.inputs)
    assert "val_loss" in fitted.history_.epoch_logs(-1)


def test_the_epoch_trains_on_what_augment_returns():
    X, y = problem()
    other = problem(seed=1)[0]
    augmented = model().fit(X, y, augment=lambda X, random_state: other.copy())
    direct = model().fit(other, y)
    np.testing.assert_array_equal(augmented.params_, direct.params_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_identity_augment_changes_nothing(cls):
    X, labels = problem()
    y = targets_for(cls, X, labels)
    plain = model(cls).fit(X, y)
    identity = model(cls).fit(X, y, augment=lambda X, random_state: X.copy())
    np.testing.assert_array_equal(identity.params_, plain.params_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_resumed_run_equals_uninterrupted_run(cls, tmp_path):
    X, labels = problem()
    y = targets_for(cls, X, labels)
    whole = model(cls, epochs=6).fit(X, y, augment=Recorder())
    first = model(cls, epochs=3).fit(X, y, augment=Recorder())
    path = first.save(tmp_path / "half.zoo")
    resumed = zoo.load(path).set_params(epochs=6).fit(X, y, resume=True, augment=Recorder())
    assert resumed.n_epochs_ == 6
    np.testing.assert_array_equal(resumed.params_, whole.params_)
    np.testing.assert_array_equal(resumed.optimizer_state_, whole.optimizer_state_)


def test_augmentation_differs_from_no_augmentation_and_predict_does_not_augment():
    X, y = problem()
    recorder = Recorder()
    fitted = model().fit(X, y, augment=recorder)
    assert not np.array_equal(fitted.params_, model().fit(X, y).params_)
    calls = len(recorder.seeds)
    fitted.predict(X)
    fitted.predict_proba(X)
    fitted.score(X, y)
    assert len(recorder.seeds) == calls


def test_partial_fit_augments_its_epoch():
    X, y = problem()
    recorder = Recorder()
    estimator = model()
    estimator.partial_fit(X, y, classes=[0, 1], augment=recorder)
    estimator.partial_fit(X, y, augment=recorder)
    assert len(recorder.seeds) == 2 and recorder.seeds[0] != recorder.seeds[1]
    # partial_fit's epochs are those of fit: the same seeds, the same weights.
    fitted = model(epochs=2).fit(X, y, augment=Recorder())
    np.testing.assert_array_equal(estimator.params_, fitted.params_)


def test_integer_output_is_cast_to_the_model_dtype():
    X, y = problem()
    fitted = model(epochs=1).fit(X, y, augment=lambda X, random_state: np.rint(X).astype(np.int64))
    assert fitted.params_.dtype == np.float32


@pytest.mark.parametrize(
    "bad, error, words",
    [
        (lambda X, random_state: X[:-1].copy(), ValueError, "shape"),
        (lambda X, random_state: np.full_like(X, np.nan), ValueError, "NaN"),
        (lambda X, random_state: X.astype(str), TypeError, "dtype"),
        (lambda X, random_state: "not an array", ValueError, "shape"),
    ],
)
def test_bad_augment_output_is_a_clear_error(bad, error, words):
    X, y = problem()
    with pytest.raises(error, match=f"augment.*{words}"):
        model(epochs=1).fit(X, y, augment=bad)


def test_in_place_augmentation_is_refused():
    X, y = problem()

    def in_place(X, random_state):
        X += 1.0
        return X

    with pytest.raises(ValueError, match="augment must return a new array"):
        model(epochs=1).fit(X, y, augment=in_place)


def test_augment_must_be_callable():
    X, y = problem()
    with pytest.raises(TypeError, match="augment must be a callable"):
        model(epochs=1).fit(X, y, augment="flip")
