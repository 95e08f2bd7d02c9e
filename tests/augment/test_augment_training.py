"""MLP.fit(..., augment=...) with zoo.augment: augmentation reduces
overfitting on small image sets whose test images vary in position.

Both sets are small enough for a 64-unit MLP to memorise (training loss near
zero) while the held-out loss stays high; random translations teach the
position invariance the training set is too small to show, so the same
model with the same seed reaches a clearly lower held-out loss. (On the
plain, centred 8x8 digits, translations and rotations do not help an MLP:
the held-out images are centred like the training ones.)
"""

import numpy as np
import pytest

import zoo
from zoo.augment import RandomTranslation

SEEDS = [0, 1, 2]


def held_out_log_loss(model, X, y):
    proba = model.predict_proba(X)
    return -np.mean(np.log(np.clip(proba[np.arange(len(y)), y], 1e-12, 1.0)))


def fit_both(X_train, y_train, augment, seed, epochs):
    def model():
        return zoo.MLPClassifier(hidden_layer_sizes=(64,), epochs=epochs, batch_size=32, random_state=seed, n_jobs=1)

    return model().fit(X_train, y_train), model().fit(X_train, y_train, augment=augment)


def jittered_digits(indices, digits, canvas, rng):
    """scikit-learn's 8x8 digits pasted at a random offset on a larger canvas."""
    X = np.zeros((len(indices), canvas, canvas), dtype=np.float32)
    rows = rng.integers(0, canvas - 7, len(indices))
    cols = rng.integers(0, canvas - 7, len(indices))
    for i, k in enumerate(indices):
        X[i, rows[i] : rows[i] + 8, cols[i] : cols[i] + 8] = digits[k]
    return X.reshape(len(indices), -1)


@pytest.mark.parametrize("seed", SEEDS)
def test_translations_lower_held_out_loss_on_jittered_digits(seed):
    datasets = pytest.importorskip("sklearn.datasets")
    digits, labels = datasets.load_digits(return_X_y=True)
    digits = (digits / 16.0).reshape(-1, 8, 8)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(digits))
    train, held_out = order[:200], order[200:800]
    X_train = jittered_digits(train, digits, 10, rng)
    X_held = jittered_digits(held_out, digits, 10, rng)
    augment = RandomTranslation(1, image_shape=(10, 10, 1))

    plain, augmented = fit_both(X_train, labels[train], augment, seed, epochs=200)

    plain_loss = held_out_log_loss(plain, X_held, labels[held_out])
    assert plain.history_.epoch_logs(-1)["loss"] < plain_loss / 5  # without augmentation it overfits
    augmented_loss = held_out_log_loss(augmented, X_held, labels[held_out])
    assert augmented_loss < plain_loss - 0.2
    assert augmented.score(X_held, labels[held_out]) > plain.score(X_held, labels[held_out]) + 0.05


def shapes(n, rng, canvas=10):
    """Four 5x5 shapes (plus, cross, square outline, block) at random places, faint noise."""
    templates = np.zeros((4, 5, 5))
    templates[0, 2, :] = templates[0, :, 2] = 1
    templates[1][np.eye(5, dtype=bool) | np.eye(5, dtype=bool)[::-1]] = 1
    templates[2, [0, -1], :] = templates[2, :, [0, -1]] = 1
    templates[3, 1:4, 1:4] = 1
    y = rng.integers(0, 4, n)
    X = np.zeros((n, canvas, canvas))
    rows, cols = rng.integers(0, canvas - 4, n), rng.integers(0, canvas - 4, n)
    for i in range(n):
        X[i, rows[i] : rows[i] + 5, cols[i] : cols[i] + 5] = templates[y[i]] * rng.uniform(0.6, 1.0)
    X += rng.normal(0.0, 0.05, X.shape)
    return X.reshape(n, -1).astype(np.float32), y


@pytest.mark.parametrize("seed", SEEDS)
def test_translations_lower_held_out_loss_on_synthetic_shapes(seed):
    rng = np.random.default_rng(seed)
    X_train, y_train = shapes(80, rng)
    X_held, y_held = shapes(500, rng)
    augment = RandomTranslation(2, image_shape=(10, 10, 1))

    plain, augmented = fit_both(X_train, y_train, augment, seed, epochs=100)

    plain_loss = held_out_log_loss(plain, X_held, y_held)
    assert plain.history_.epoch_logs(-1)["loss"] < plain_loss / 5  # without augmentation it overfits
    assert held_out_log_loss(augmented, X_held, y_held) < plain_loss - 0.2
    assert augmented.score(X_held, y_held) > plain.score(X_held, y_held) + 0.05
