"""zoo.Autoencoder: reconstruction against PCA, denoising, encoder/decoder
views, the training toolbox (callbacks, early stopping, checkpoints, exact
resume), persistence and errors."""

import _thread
import pickle
import threading

import numpy as np
import pytest

import zoo
from zoo.exceptions import NotFittedError
from zoo.nn import EarlyStopping, LambdaCallback, ModelCheckpoint
from zoo.unsupervised.autoencoder import Autoencoder


def curved_sheet(n=1000, seed=0):
    """A 2-D sheet bent through 5 directions (two of them sine and cosine
    curves, one a saddle), placed in 20-D by a random orthonormal map and
    scaled to unit variance: no plane holds it, a 2-D code can."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(-1, 1, size=(n, 2))
    bent = np.column_stack(
        [t[:, 0], t[:, 1], np.sin(np.pi * t[:, 0]), np.cos(np.pi * t[:, 1]), t[:, 0] * t[:, 1]]
    )
    basis, _ = np.linalg.qr(np.random.default_rng(99).normal(size=(20, 5)))
    X = bent @ basis.T
    return X / X.std()


def pca_error(X, n_components):
    """Mean squared reconstruction error of PCA, from NumPy's SVD."""
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    top = vt[:n_components]
    return float(np.mean((centred - centred @ top.T @ top) ** 2))


# One thread: these networks are tiny, and on a busy machine waiting for a
# second OpenMP thread costs more than the arithmetic.
SHEET = dict(encoder_layer_sizes=(32, 2), activation="elu", learning_rate=1e-2, epochs=30, random_state=0,
             n_jobs=1)


@pytest.fixture(scope="module")
def sheet():
    return curved_sheet()


@pytest.fixture(scope="module")
def fitted(sheet):
    return Autoencoder(**SHEET).fit(sheet)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_two_dimensional_code_beats_pca_on_a_curved_sheet(sheet, dtype):
    model = Autoencoder(**{**SHEET, "dtype": dtype}).fit(sheet)
    reference = pca_error(sheet, 2)
    error = model.reconstruction_error(sheet).mean()
    # PCA keeps 70% of the variance here; the autoencoder about 90%.
    assert error < 0.5 * reference
    assert model.score(sheet) == pytest.approx(-error)
    assert model.params_.dtype == dtype
    assert model.history_["loss"][-1] < model.history_["loss"][0] / 3
    assert "r2" in model.history_


def test_encoder_and_decoder_compose_to_the_full_network(sheet, fitted):
    codes = fitted.transform(sheet)
    assert codes.shape == (len(sheet), 2) and fitted.n_components_ == 2
    decoded = fitted.inverse_transform(codes)
    assert decoded.shape == sheet.shape
    np.testing.assert_allclose(decoded, fitted.reconstruct(sheet), rtol=1e-5, atol=1e-5)
    assert list(fitted.get_feature_names_out()) == ["autoencoder0", "autoencoder1"]
    # The mirrored decoder: 20 -> 32 -> 2 -> 32 -> 20, identity code and output.
    assert [w.shape for w in fitted.coefs_] == [(20, 32), (32, 2), (2, 32), (32, 20)]
    np.testing.assert_allclose(fitted.reconstruction_error(sheet), ((decoded - sheet) ** 2).mean(axis=1),
                               rtol=1e-4, atol=1e-6)
    # The code is linear in the last encoder layer (identity code activation).
    hidden = sheet @ fitted.coefs_[0] + fitted.intercepts_[0]
    hidden = np.where(hidden > 0, hidden, np.expm1(np.minimum(hidden, 0)))
    np.testing.assert_allclose(codes, hidden @ fitted.coefs_[1] + fitted.intercepts_[1], rtol=1e-4, atol=1e-4)


def test_threads_do_not_change_the_result(sheet):
    fits = [Autoencoder((8, 2), epochs=2, batch_size=64, n_jobs=n_jobs, random_state=0).fit(sheet[:300])
            for n_jobs in (1, 2)]
    np.testing.assert_array_equal(fits[0].params_, fits[1].params_)


def test_dtype_of_answers_follows_the_caller(sheet, fitted):
    assert fitted.transform(sheet.astype(np.float32)).dtype == np.float32
    assert fitted.transform(sheet).dtype == np.float64
    assert fitted.inverse_transform(fitted.transform(sheet[:3]).astype(np.float32)).dtype == np.float32
    small = Autoencoder((4, 3), epochs=2, random_state=0, n_jobs=1)
    np.testing.assert_array_equal(small.fit_transform(sheet), small.transform(sheet))


def test_custom_decoder_and_activations(sheet):
    model = Autoencoder((16, 4), decoder_layer_sizes=(8, 12), code_activation="tanh", output_activation="identity",
                        epochs=2, random_state=0, n_jobs=1).fit(sheet)
    assert [w.shape for w in model.coefs_] == [(20, 16), (16, 4), (4, 8), (8, 12), (12, 20)]
    assert np.all(np.abs(model.transform(sheet)) <= 1)
    shallow = Autoencoder(3, decoder_layer_sizes=(), epochs=1, random_state=0, n_jobs=1).fit(sheet)
    assert [w.shape for w in shallow.coefs_] == [(20, 3), (3, 20)]


def test_denoising_removes_added_noise(sheet, fitted):
    rng = np.random.default_rng(5)
    clean = curved_sheet(400, seed=1)
    noisy = clean + rng.normal(scale=0.5, size=clean.shape)
    model = Autoencoder(**{**SHEET, "denoising": 0.5}).fit(sheet)
    noise_left = np.mean((model.reconstruct(noisy) - clean) ** 2)
    noise_added = np.mean((noisy - clean) ** 2)
    assert noise_left < 0.6 * noise_added
    # ...and better than the same network trained on clean inputs only.
    assert noise_left < 0.8 * np.mean((fitted.reconstruct(noisy) - clean) ** 2)


def test_corruption_is_redrawn_every_epoch_and_targets_stay_clean(sheet):
    seen = []

    class Spy(zoo.nn.Callback):
        def on_epoch_begin(self, model, epoch, logs):
            seen.append(model._corruption.noisy.copy())

    X = sheet[:100].astype(np.float32)
    Autoencoder((8, 2), denoising=0.5, noise="mask", epochs=2, callbacks=[Spy()], random_state=0,
                n_jobs=1).fit(X)
    first, second = seen
    assert not np.array_equal(first, second)
    zeroed = (first == 0) & (X != 0)
    assert 0.4 < zeroed.mean() < 0.6
    np.testing.assert_array_equal(first[~zeroed], X[~zeroed])


@pytest.mark.parametrize("noise", ["gaussian", "mask"])
def test_noise_does_not_depend_on_the_thread_count(noise):
    from zoo.unsupervised._corruption import Corruption

    clean = np.random.default_rng(0).random((20_000, 3)).astype(np.float32)  # several noise blocks
    model = Autoencoder()
    model._seed_ = 7
    filled = []
    for n_threads in (1, 2):
        noisy = np.empty_like(clean)
        Corruption(clean, noisy, noise, 0.3, n_threads).on_epoch_begin(model, 4, {})
        filled.append(noisy)
    np.testing.assert_array_equal(filled[0], filled[1])
    if noise == "gaussian":
        assert np.std(filled[0] - clean) == pytest.approx(0.3, rel=0.02)
        assert not np.allclose(filled[0][:8192], filled[0][8192:16384])  # blocks draw different noise


def test_binary_crossentropy_with_sigmoid_output():
    rng = np.random.default_rng(0)
    prototypes = rng.random((4, 30)) > 0.5
    X = (prototypes[rng.integers(0, 4, 400)] ^ (rng.random((400, 30)) < 0.05)).astype(np.float32)
    model = Autoencoder((16, 3), loss="binary_crossentropy", output_activation="sigmoid", learning_rate=1e-2,
                        epochs=30, random_state=0, n_jobs=1).fit(X)
    reconstruction = model.reconstruct(X)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1
    assert np.mean((reconstruction > 0.5) == (X > 0.5)) > 0.9
    p = np.clip(reconstruction.astype(np.float64), 1e-7, 1 - 1e-7)
    cross_entropy = -(X * np.log(p) + (1 - X) * np.log1p(-p)).mean(axis=1)
    np.testing.assert_allclose(model.reconstruction_error(X), cross_entropy, rtol=1e-3, atol=1e-4)
    assert model.history_["loss"][-1] == pytest.approx(model.reconstruction_error(X).mean(), rel=0.2)


def test_reconstruction_error_flags_anomalies(sheet, fitted):
    outliers = np.random.default_rng(3).normal(scale=1.0, size=(20, 20))
    errors = fitted.reconstruction_error(np.vstack([sheet[:200], outliers]))
    assert errors.shape == (220,)
    threshold = np.percentile(errors[:200], 95)
    assert np.mean(errors[200:] > threshold) >= 0.9 and np.median(errors[200:]) > 2 * threshold


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_r2_denominator_and_baseline_match_numpy(sheet, dtype):
    from zoo.nn._model import TrainingSet
    from zoo.supervised._targets import total_sum_squares

    X = (sheet * 3 + 10).astype(dtype)  # an offset makes a one-pass formula lose digits
    weight = np.random.default_rng(0).uniform(0, 2, len(X)).astype(dtype)
    mean = np.average(X.astype(np.float64), axis=0, weights=weight)
    expected = float((weight[:, None] * (X - mean) ** 2).sum())
    data = TrainingSet(X, X, weight)
    assert total_sum_squares(data) == pytest.approx(expected, rel=1e-5 if dtype == np.float32 else 1e-12)
    model = Autoencoder((4, 2), epochs=1, random_state=0, n_jobs=1, dtype=np.dtype(dtype).name)
    model.fit(X, sample_weight=weight)
    assert model.history_.baseline["loss"] == pytest.approx(expected / weight.sum() / X.shape[1], rel=1e-5)


def test_sample_weight_zero_equals_removal(sheet):
    X = sheet[:60]
    common = dict(encoder_layer_sizes=(4, 2), epochs=5, batch_size=1000, shuffle=False, dtype="float64",
                  random_state=0, n_jobs=1)
    weight = np.r_[np.ones(40), np.zeros(20)]
    weighted = Autoencoder(**common).fit(X, sample_weight=weight)
    removed = Autoencoder(**common).fit(X[:40])
    np.testing.assert_allclose(weighted.params_, removed.params_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("schedule", ["cosine", "plateau"])
def test_checkpoint_resume_is_exact(tmp_path, sheet, schedule):
    X = sheet[:300]
    checkpoint = ModelCheckpoint(str(tmp_path / "epoch{epoch}.npz"), every=3)
    # random_state=None: the run's own seed, saved in the checkpoint, must fix
    # the shuffles, dropout masks, the noise and the validation split.
    straight = Autoencoder((16, 3), epochs=6, dropout=0.1, batch_norm=True, denoising=0.2, lr_schedule=schedule,
                           validation_split=0.2, callbacks=[checkpoint], random_state=None).fit(X)
    resumed = zoo.load(tmp_path / "epoch3.npz").fit(X, resume=True)
    assert resumed.n_epochs_ == 6
    np.testing.assert_array_equal(resumed.params_, straight.params_)
    np.testing.assert_array_equal(resumed.buffers_, straight.buffers_)
    np.testing.assert_array_equal(resumed.optimizer_state_, straight.optimizer_state_)
    assert resumed.history_["loss"] == straight.history_["loss"]
    assert resumed.history_["val_loss"] == straight.history_["val_loss"]
    assert resumed.history_["lr"] == straight.history_["lr"]


def test_save_load_and_pickle_give_the_same_answers(tmp_path, sheet, fitted):
    fitted.save(tmp_path / "ae.npz")
    loaded = zoo.load(tmp_path / "ae.npz")
    again = pickle.loads(pickle.dumps(fitted))
    for copy in (loaded, again):
        assert type(copy) is Autoencoder
        np.testing.assert_array_equal(copy.transform(sheet), fitted.transform(sheet))
        np.testing.assert_array_equal(copy.reconstruct(sheet), fitted.reconstruct(sheet))
        assert copy.history_["loss"] == fitted.history_["loss"]
        assert copy.n_components_ == 2


def test_warm_start_and_partial_fit_continue_training(sheet):
    model = Autoencoder((8, 2), epochs=2, warm_start=True, random_state=0, n_jobs=1).fit(sheet)
    model.fit(sheet)
    assert model.n_epochs_ == 4 and len(model.history_["loss"]) == 4
    streaming = Autoencoder((8, 2), denoising=0.1, random_state=0, n_jobs=1)
    streaming.partial_fit(sheet[:100]).partial_fit(sheet[100:])
    assert streaming.n_epochs_ == 2 and streaming.transform(sheet[:5]).shape == (5, 2)


def test_frozen_encoder_transferred_from_another_model(sheet, fitted):
    # A new decoder under the fitted model's encoder, which does not move.
    tuned = Autoencoder(**{**SHEET, "epochs": 2}, init_from=fitted, init_layers=2, frozen_layers=[0, 1]).fit(sheet)
    np.testing.assert_array_equal(tuned.transform(sheet), fitted.transform(sheet))
    assert not np.array_equal(tuned.coefs_[3], fitted.coefs_[3])


def test_verbose_shows_progress(sheet, capsys):
    Autoencoder((4, 2), epochs=2, verbose=1, random_state=0, n_jobs=1).fit(sheet[:50])
    captured = capsys.readouterr()
    assert "loss" in captured.out + captured.err


def test_callbacks_see_every_epoch_and_can_stop(sheet):
    ends = []
    stop_at_three = LambdaCallback(on_epoch_end=lambda model, epoch, logs: ends.append(epoch) or epoch == 2)
    model = Autoencoder((8, 2), epochs=10, callbacks=[stop_at_three], random_state=0, n_jobs=1).fit(sheet)
    assert ends == [0, 1, 2] and model.n_epochs_ == 3


def test_early_stopping_restores_best_weights(sheet):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 20))  # noise: a wide network overfits it quickly
    stopper = EarlyStopping(patience=3, restore_best_weights=True)
    seen = {}
    record = LambdaCallback(on_epoch_end=lambda model, epoch, logs: seen.__setitem__(epoch, model._get_weights()))
    model = Autoencoder((256, 64), epochs=300, learning_rate=3e-3, validation_split=0.3, early_stopping=stopper,
                        callbacks=[record], random_state=0, n_jobs=1).fit(X)
    assert model.n_epochs_ < 300
    best = int(np.argmin(model.history_["val_loss"]))
    np.testing.assert_array_equal(model.params_, seen[best]["params_"])
    # validation_data is scored as given, and early_stopping=True watches it.
    with_data = Autoencoder((8, 2), epochs=3, validation_data=sheet[:50], early_stopping=True,
                            random_state=0, n_jobs=1).fit(sheet)
    assert len(with_data.history_["val_loss"]) == 3 and np.isfinite(with_data.history_["val_r2"]).all()


def test_ctrl_c_stops_after_the_current_epoch_with_a_usable_model():
    X = np.random.default_rng(0).normal(size=(20000, 20)).astype(np.float32)
    model = Autoencoder((64, 8), epochs=100_000, random_state=0, n_jobs=1)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.warns(RuntimeWarning, match="interrupted"):
            model.fit(X)
    finally:
        timer.cancel()
    assert model.interrupted_ and 1 <= model.n_epochs_ < 100_000
    assert len(model.history_["loss"]) == model.n_epochs_
    assert model.transform(X[:3]).shape == (3, 8)


class TestErrors:
    def test_not_fitted(self, sheet):
        with pytest.raises(NotFittedError):
            Autoencoder().transform(sheet)
        with pytest.raises(NotFittedError):
            Autoencoder().inverse_transform(np.zeros((2, 32)))

    def test_shapes(self, sheet, fitted):
        with pytest.raises(ValueError, match="features"):
            fitted.transform(sheet[:, :5])
        with pytest.raises(ValueError, match="n_components_"):
            fitted.inverse_transform(np.zeros((3, 5)))
        with pytest.raises(ValueError, match="features"):
            fitted.score(np.zeros((3, 4)))
        with pytest.raises(ValueError, match="NaN"):
            Autoencoder(epochs=1).fit(np.where(sheet > 1, np.nan, sheet))

    def test_parameters(self, sheet):
        with pytest.raises(ValueError, match="encoder_layer_sizes"):
            Autoencoder((8, 0), epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="encoder_layer_sizes"):
            Autoencoder((), epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="decoder_layer_sizes"):
            Autoencoder((8, 2), decoder_layer_sizes=(4, -1), epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="dropout"):
            Autoencoder((8, 2), dropout=[0.1], epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="loss"):
            Autoencoder(loss="hinge", epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="denoising"):
            Autoencoder(denoising=-0.1, epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="denoising"):
            Autoencoder(denoising=1.0, noise="mask", epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="noise"):
            Autoencoder(noise="salt", epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="optimizer must be one of"):
            Autoencoder(optimizer="newton", epochs=1).fit(sheet)
        with pytest.raises(ValueError, match="frozen_layers"):
            Autoencoder((8, 2), frozen_layers=[7], epochs=1).fit(sheet)

    def test_binary_crossentropy_needs_sigmoid_and_unit_interval(self, sheet):
        unit = np.clip(sheet, 0, 1)
        with pytest.raises(ValueError, match="output_activation='sigmoid'"):
            Autoencoder(loss="binary_crossentropy", epochs=1).fit(unit)
        with pytest.raises(ValueError, match=r"X in \[0, 1\]"):
            Autoencoder(loss="binary_crossentropy", output_activation="sigmoid", epochs=1).fit(sheet)
