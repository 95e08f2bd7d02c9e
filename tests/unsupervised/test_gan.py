"""zoo.GAN: the C++ losses and gradients against NumPy and finite
differences (every loss, both batch features, spectral normalisation, a
conditional GAN), the discriminator's forward pass against NumPy, the
estimator's behaviour (determinism, continued training, n_critic, weight
clipping, callbacks, Ctrl-C, persistence, errors) and GANHistory.diagnose
on synthetic runs."""

import _thread
import pickle
import threading

import numpy as np
import pytest

import zoo
from zoo import GAN, _core
from zoo.exceptions import NotFittedError
from zoo.nn import EarlyStopping, LambdaCallback
from zoo.unsupervised._gan_history import GANHistory

# ----------------------------------------------------------------- references

LEAKY_SLOPE = 0.01  # zoo.nn.network.ACTIVATION_PARAMS["leaky_relu"]
ACTIVATIONS = {
    "identity": lambda a: a,
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
    "leaky_relu": lambda a: np.where(a > 0, a, LEAKY_SLOPE * a),
}


def softplus(x):
    return np.logaddexp(0.0, x)


# Per-logit losses as the papers write them, for (real row, generated row
# judged by the discriminator, generated row judged for the generator);
# D = sigmoid(logit) where the loss is a log-likelihood.
LOSSES = {
    # -log D(x), -log(1 - D(G(z))), and the generator minimises log(1 - D(G(z))).
    "minimax": (lambda l: softplus(-l), lambda l: softplus(l), lambda l: -softplus(l)),
    # The generator maximises log D(G(z)) instead.
    "non_saturating": (lambda l: softplus(-l), lambda l: softplus(l), lambda l: softplus(-l)),
    # Mao et al. 2017 with a = 0, b = c = 1 and the factor 1/2.
    "least_squares": (lambda l: 0.5 * (l - 1) ** 2, lambda l: 0.5 * l**2, lambda l: 0.5 * (l - 1) ** 2),
    "hinge": (lambda l: np.maximum(0.0, 1 - l), lambda l: np.maximum(0.0, 1 + l), lambda l: -l),
    # The critic minimises E[D(fake)] - E[D(real)], the generator -E[D(fake)].
    "wasserstein": (lambda l: -l, lambda l: l, lambda l: -l),
}


def numpy_forward(network, rows, sigmas=None):
    """A zoo.nn.Network's inference pass in NumPy; `sigmas` divide each
    layer's weights (spectral normalisation)."""
    for i, spec in enumerate(network.layers):
        weight = network.weights()[i] / (1.0 if sigmas is None else sigmas[i])
        rows = ACTIVATIONS[spec.activation](rows @ weight + network.biases()[i])
    return rows


def spectral_sigmas(discriminator):
    """sigma = |W^T u| of every normalised layer (body, then head), with W
    stored n_out x n_in and u the layer's n_out values of spectral_u."""
    u, start, sigmas = discriminator.spectral_u, 0, []
    for net in (discriminator.body, discriminator.head):
        for spec, weight in zip(net.layers, net.weights()):  # weight: (n_in, n_out) = W^T
            sigmas.append(np.linalg.norm(weight @ u[start:start + spec.n_out]))
            start += spec.n_out
    n_body = len(discriminator.body.layers)
    return sigmas[:n_body], sigmas[n_body:]


def batch_features(discriminator, hidden):
    """Mini-batch std (Karras et al. 2018) or mini-batch discrimination
    (Salimans et al. 2016) of one batch of the body's outputs."""
    if discriminator.feature == "minibatch_std":
        spread = np.mean(np.sqrt(hidden.var(axis=0) + 1e-8))  # population variance, as the kernel
        return np.full((hidden.shape[0], 1), spread)
    if discriminator.feature == "minibatch_discrimination":
        c = discriminator.kernel_dim
        m = (hidden @ discriminator.projection.weights()[0]).reshape(hidden.shape[0], -1, c)  # rows x B x C
        l1 = np.abs(m[:, None] - m[None, :]).sum(axis=-1)  # rows x rows x B
        others = ~np.eye(hidden.shape[0], dtype=bool)
        rows = hidden.shape[0]  # o_b(i) = mean over j != i (zoo's scaling of Salimans' sum)
        return np.einsum("ijb,ij->ib", np.exp(-l1), others) / max(rows - 1, 1)
    return np.empty((hidden.shape[0], 0))


def numpy_logits(gan, rows, conditions=None):
    """The discriminator's logits of `rows` taken as one batch."""
    discriminator = gan.discriminator_
    if conditions is not None:
        rows = np.hstack([rows, conditions])
    body_sigmas, head_sigmas = (spectral_sigmas(discriminator) if discriminator.spectral_u is not None
                                else (None, None))
    hidden = numpy_forward(discriminator.body, rows, body_sigmas)
    head_input = np.hstack([hidden, batch_features(discriminator, hidden)])
    return numpy_forward(discriminator.head, head_input, head_sigmas)[:, 0]


def numpy_generate(gan, latent, conditions=None):
    rows = latent if conditions is None else np.hstack([latent, conditions])
    return numpy_forward(gan.generator_, rows)


# ------------------------------------------------ losses and gradients (kernel)

# Small float64 networks fitted for one epoch (so no weight sits at its
# initial value), with two discriminator layers to chain through.
KERNEL = dict(generator_layers=(7,), discriminator_layers=(8, 6), latent_dim=4, activation="tanh", epochs=1,
              batch_size=16, dtype="float64", random_state=0, n_jobs=1)
N_CLASSES = 3


def kernel_gan(loss, labels=False, **params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = rng.integers(0, N_CLASSES, size=40) if labels else None
    gan = GAN(loss=loss, **{**KERNEL, **params}).fit(X, y)
    u = gan.discriminator_.spectral_u
    if u is not None:  # a fresh random unit vector per layer: the exact gradient holds for any fixed u
        start = 0
        for net in (gan.discriminator_.body, gan.discriminator_.head):
            for spec in net.layers:
                piece = rng.normal(size=spec.n_out)
                u[start:start + spec.n_out] = piece / np.linalg.norm(piece)
                start += spec.n_out
    return gan


class KernelProblem:
    """One call of _core.gan_loss_and_gradients on fixed real and latent rows."""

    def __init__(self, gan, n=6, seed=1):
        rng = np.random.default_rng(seed)
        self.gan = gan
        self.X = rng.normal(size=(n, gan.n_features_in_))
        self.latent = rng.normal(size=(n, gan.latent_dim))
        self.conditions = self.latent_conditions = None
        if "classes_" in vars(gan):
            eye = np.eye(len(gan.classes_))
            self.conditions = eye[rng.integers(0, len(gan.classes_), size=n)]
            self.latent_conditions = eye[rng.integers(0, len(gan.classes_), size=n)]

    def loss(self, generator_side):
        gan = self.gan
        body, projection, head, u = gan.discriminator_.kernel_states()
        return _core.gan_loss_and_gradients(
            generator=gan.generator_.kernel_state(), body=body, projection=projection, head=head, spectral_u=u,
            X=self.X, conditions=self.conditions, latent=self.latent, latent_conditions=self.latent_conditions,
            config=gan._gan_config(1), generator_side=generator_side)

    def trained_networks(self, generator_side):
        if generator_side:
            return [self.gan.generator_]
        return self.gan.discriminator_.networks  # body, projection (if any), head

    def numpy_loss(self, generator_side):
        real_loss, fake_loss, generator_loss = LOSSES[self.gan.loss]
        generated = numpy_generate(self.gan, self.latent, self.latent_conditions)
        fake = numpy_logits(self.gan, generated, self.latent_conditions)
        if generator_side:
            return np.mean(generator_loss(fake))
        # Real and generated rows are two batches: each gets its own batch features.
        real = numpy_logits(self.gan, self.X, self.conditions)
        return np.mean(real_loss(real)) + np.mean(fake_loss(fake))


VARIANTS = [
    pytest.param("minimax", {}, id="minimax"),
    pytest.param("non_saturating", {}, id="non_saturating"),
    pytest.param("least_squares", {}, id="least_squares"),
    pytest.param("hinge", {}, id="hinge"),
    pytest.param("wasserstein", {}, id="wasserstein"),
    pytest.param("non_saturating", {"minibatch_std": True}, id="minibatch_std"),
    # L1 distances between random continuous rows are never tied, so |.| is smooth here.
    pytest.param("least_squares", {"minibatch_discrimination": 3, "minibatch_kernel_dim": 2},
                 id="minibatch_discrimination"),
    pytest.param("hinge", {"spectral_norm": True}, id="spectral_norm"),
    pytest.param("non_saturating", {"labels": True}, id="conditional"),
    pytest.param("wasserstein", {"labels": True, "spectral_norm": True, "minibatch_discrimination": 2,
                                 "minibatch_kernel_dim": 3}, id="conditional_spectral_discrimination"),
    pytest.param("minimax", {"labels": True, "minibatch_std": True}, id="conditional_minibatch_std"),
]


def assert_gradients_match_finite_differences(problem, generator_side, eps=1e-6):
    problem.loss(generator_side)
    networks = problem.trained_networks(generator_side)
    analytic = [net.grads.copy() for net in networks]
    for net, grads in zip(networks, analytic):
        numeric = np.empty_like(grads)
        for i in range(net.n_params):
            kept = net.params[i]
            net.params[i] = kept + eps
            up = problem.loss(generator_side)
            net.params[i] = kept - eps
            down = problem.loss(generator_side)
            net.params[i] = kept
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grads, numeric, rtol=1e-5, atol=1e-8)
    assert max(np.abs(g).max() for g in analytic) > 1e-3  # the check compared something


@pytest.mark.parametrize("loss, params", VARIANTS)
@pytest.mark.parametrize("generator_side", [False, True], ids=["discriminator", "generator"])
def test_loss_matches_numpy_and_gradients_match_finite_differences(loss, params, generator_side):
    problem = KernelProblem(kernel_gan(loss, **params))
    if loss == "hinge":  # both sides of the hinges, none of the rows at a kink
        problem.gan.discriminator_.head.params *= 8.0
        logits = np.concatenate([numpy_logits(problem.gan, problem.X),
                                 numpy_logits(problem.gan, numpy_generate(problem.gan, problem.latent))])
        assert np.min(np.abs(np.abs(logits) - 1.0)) > 1e-3
        assert (np.abs(logits) > 1).any() and (np.abs(logits) < 1).any()
    np.testing.assert_allclose(problem.loss(generator_side), problem.numpy_loss(generator_side), rtol=1e-12)
    assert_gradients_match_finite_differences(problem, generator_side)


def test_loss_and_gradients_leave_the_spectral_estimates_and_weights_alone():
    # No power iteration here (the gradient is that of sigma = |W^T u| for this u), and no update.
    problem = KernelProblem(kernel_gan("hinge", spectral_norm=True))
    u = problem.gan.discriminator_.spectral_u.copy()
    params = [net.params.copy() for net in (problem.gan.generator_, *problem.gan.discriminator_.networks)]
    first = problem.loss(False)
    assert problem.loss(True) != first and problem.loss(False) == first
    np.testing.assert_array_equal(problem.gan.discriminator_.spectral_u, u)
    for before, net in zip(params, (problem.gan.generator_, *problem.gan.discriminator_.networks)):
        np.testing.assert_array_equal(net.params, before)


# ------------------------------------------------ the discriminator's forward pass


def two_blobs(n=200, seed=0, share_of_first=0.5):
    """Two well-separated 2-D Gaussian blobs and their labels (0 and 1)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) >= share_of_first).astype(int)
    X = rng.normal(scale=0.3, size=(n, 2)) + np.where(y[:, None] == 0, [-3.0, 0.0], [3.0, 0.0])
    return X, y


SMALL = dict(generator_layers=(16,), discriminator_layers=(16,), latent_dim=2, batch_size=32, epochs=3,
             random_state=0, n_jobs=1)


@pytest.mark.parametrize("params", [
    {"minibatch_std": True},
    {"minibatch_discrimination": 4, "minibatch_kernel_dim": 3},
    {"spectral_norm": True},
    {"spectral_norm": True, "minibatch_discrimination": 2, "labels": True},
], ids=["minibatch_std", "minibatch_discrimination", "spectral_norm", "conditional_spectral_discrimination"])
def test_discriminate_matches_numpy_batch_by_batch(params):
    params = dict(params)
    labels = params.pop("labels", False)
    X, y = two_blobs()
    gan = GAN(**{**SMALL, "dtype": "float64", "batch_size": 16}, **params).fit(X, y if labels else None)
    rows, row_labels = X[:50], (y[:50] if labels else None)
    onehot = np.eye(2)[row_labels] if labels else None
    # discriminate takes the rows in batches of batch_size (16, 16, 16, 2), as training does.
    expected = np.concatenate([numpy_logits(gan, rows[s:s + 16], None if onehot is None else onehot[s:s + 16])
                               for s in range(0, 50, 16)])
    np.testing.assert_allclose(gan.discriminate(rows, row_labels), expected, rtol=1e-10, atol=1e-12)
    if gan.discriminator_.feature != "none":  # a row's logit depends on its batch
        assert not np.allclose(gan.discriminate(rows[1:17], row_labels[1:17] if labels else None)[:15],
                               expected[1:16])


# ------------------------------------------------------------ the estimator


def test_spectral_estimates_take_one_power_iteration_per_discriminator_step():
    X, _ = two_blobs(n=192)  # 6 discriminator steps per epoch
    # Learning rates so small that the weights stay put to 1e-11: u follows W alone.
    gan = GAN(**{**SMALL, "epochs": 1}, spectral_norm=True, warm_start=True, dtype="float64",
              generator_learning_rate=1e-12, discriminator_learning_rate=1e-12).fit(X)
    u = gan.discriminator_.spectral_u.copy()
    gan.fit(X)
    start = 0
    for net in (gan.discriminator_.body, gan.discriminator_.head):
        for spec, weight in zip(net.layers, net.weights()):  # weight: (n_in, n_out) = W^T
            expected = u[start:start + spec.n_out]
            for _ in range(6):  # v = W^T u / |W^T u|, u = W v / |W v|
                v = weight @ expected
                expected = weight.T @ (v / np.linalg.norm(v))
                expected /= np.linalg.norm(expected)
            np.testing.assert_allclose(gan.discriminator_.spectral_u[start:start + spec.n_out], expected,
                                       rtol=1e-8, atol=1e-10)
            start += spec.n_out
    assert not np.allclose(gan.discriminator_.spectral_u, u)  # the estimates moved




def fitted_arrays(gan):
    """Every array a GAN's fit writes, by name."""
    arrays = {"generator": gan.generator_.params, "generator_moments": gan.generator_.optimizer_state}
    for name in ("body", "projection", "head"):
        net = getattr(gan.discriminator_, name)
        if net is not None:
            arrays[name], arrays[name + "_moments"] = net.params, net.optimizer_state
    if gan.discriminator_.spectral_u is not None:
        arrays["spectral_u"] = gan.discriminator_.spectral_u
    return {name: array.copy() for name, array in arrays.items()}


def assert_same_fit(a, b):
    first, second = fitted_arrays(a), fitted_arrays(b)
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)
    assert a.n_epochs_ == b.n_epochs_
    for key in a.history_.keys():
        if key != "epoch_time":
            assert a.history_[key] == b.history_[key], key


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fit_sample_and_discriminate_shapes_and_dtypes(dtype):
    X, _ = two_blobs()
    gan = GAN(**SMALL, dtype=dtype)
    assert gan.fit(X) is gan
    assert gan.n_features_in_ == 2 and gan.n_epochs_ == 3 and len(gan.history_) == 3
    samples = gan.sample(7)
    assert samples.shape == (7, 2) and samples.dtype == np.dtype(dtype)
    assert gan.sample().shape == (1, 2)
    logits = gan.discriminate(X[:5])
    assert logits.shape == (5,) and logits.dtype == np.dtype(dtype)
    assert isinstance(gan.history_, GANHistory)


def test_sample_is_the_generator_on_standard_normal_noise():
    X, _ = two_blobs()
    gan = GAN(**SMALL, dtype="float64").fit(X)
    latent = np.random.default_rng(3).standard_normal((9, gan.latent_dim))
    np.testing.assert_allclose(gan.sample(9, random_state=3), numpy_generate(gan, latent), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(gan.sample(9, random_state=3), gan.sample(9, random_state=3))
    assert not np.array_equal(gan.sample(9, random_state=3), gan.sample(9, random_state=4))
    generator = np.random.default_rng(5)  # a Generator moves on: two calls, two draws
    assert not np.array_equal(gan.sample(4, random_state=generator), gan.sample(4, random_state=generator))


def test_same_random_state_gives_the_same_fit_bit_for_bit():
    X, _ = two_blobs()
    params = dict(SMALL, minibatch_discrimination=3, spectral_norm=True)
    assert_same_fit(GAN(**params).fit(X), GAN(**params).fit(X))
    other = GAN(**{**params, "random_state": 1}).fit(X)
    assert not np.array_equal(other.generator_.params, GAN(**params).fit(X).generator_.params)


# Networks and batches large enough that the kernel runs a team of two threads.
THREADED = dict(generator_layers=(256, 256), discriminator_layers=(256, 256), latent_dim=2, batch_size=128, epochs=2,
                random_state=0)


@pytest.mark.parametrize("feature", [{}, {"minibatch_std": True}, {"minibatch_discrimination": 2},
                                     {"spectral_norm": True}], ids=["plain", "std", "discrimination", "spectral"])
def test_thread_count_does_not_change_the_fit(feature):
    X = np.random.default_rng(0).normal(size=(256, 2))
    params = dict(THREADED, dtype="float64", **feature)
    assert_same_fit(GAN(**params, n_jobs=1).fit(X), GAN(**params, n_jobs=2).fit(X))


def test_float32_fits_repeat_for_a_given_thread_count():
    # In float32 the engine's single-precision products round differently when a team splits a
    # layer's columns (zoo.MLPRegressor's too), so only the same n_jobs promises the same bits.
    X = np.random.default_rng(0).normal(size=(256, 2))
    pair = GAN(**THREADED, n_jobs=2).fit(X)
    assert_same_fit(pair, GAN(**THREADED, n_jobs=2).fit(X))
    single = GAN(**THREADED, n_jobs=1).fit(X)
    np.testing.assert_allclose(single.generator_.params, pair.generator_.params, rtol=1e-3, atol=1e-4)


def test_partial_fit_and_warm_start_continue_one_run():
    X, _ = two_blobs()
    straight = GAN(**{**SMALL, "n_critic": 2}).fit(X)  # three epochs in one fit
    streaming, warm = GAN(**{**SMALL, "n_critic": 2}), GAN(**{**SMALL, "n_critic": 2, "epochs": 1, "warm_start": True})
    for epoch in range(1, 4):
        streaming.partial_fit(X)
        warm.fit(X)
        assert streaming.n_epochs_ == warm.n_epochs_ == epoch
        assert len(streaming.history_) == len(warm.history_) == epoch
    assert_same_fit(streaming, straight)
    assert_same_fit(warm, straight)
    # Without warm_start, fit starts over.
    restarted = GAN(**{**SMALL, "n_critic": 2}).fit(X).fit(X)
    assert_same_fit(restarted, straight)


def test_n_critic_takes_that_many_discriminator_steps_per_generator_step():
    X = np.random.default_rng(0).normal(size=(160, 2))  # 5 batches of 32 per epoch
    gan = GAN(**{**SMALL, "epochs": 2, "n_critic": 3}).fit(X)
    discriminator = gan.discriminator_
    assert discriminator.body.n_steps == discriminator.head.n_steps == 10
    assert gan.generator_.n_steps == 3  # after the 3rd, 6th and 9th discriminator steps
    # The phase carries over to the next call: the 12th and 15th steps.
    gan.partial_fit(X)
    assert discriminator.body.n_steps == 15 and gan.generator_.n_steps == 5
    with_kernels = GAN(**{**SMALL, "epochs": 2, "n_critic": 3, "minibatch_discrimination": 2}).fit(X)
    assert with_kernels.discriminator_.projection.n_steps == 10 and with_kernels.generator_.n_steps == 3


def test_weight_clip_keeps_every_discriminator_value_within_bounds():
    X, _ = two_blobs()
    clip = 0.01
    gan = GAN(**SMALL, weight_clip=clip, minibatch_discrimination=2, loss="wasserstein", n_critic=2).fit(X)
    for net in gan.discriminator_.networks:
        assert np.abs(net.params).max() <= np.float32(clip)
    values = np.concatenate([net.params for net in gan.discriminator_.networks])
    assert np.isclose(np.abs(values), clip).mean() > 0.1  # the clip held values back (the start is far wider)
    unclipped = GAN(**SMALL, minibatch_discrimination=2, loss="wasserstein", n_critic=2).fit(X)
    assert max(np.abs(net.params).max() for net in unclipped.discriminator_.networks) > 10 * clip


@pytest.mark.parametrize("loss", ["non_saturating", "wasserstein"])
def test_accuracy_of_a_critic_ignores_its_level(loss):
    # The head's bias moves every logit alike. A classifier's accuracy counts logits above 0, so a large bias
    # calls every row real; a Wasserstein critic's level means nothing, so its accuracy must not move.
    X, _ = two_blobs(n=192)

    def accuracies(bias):
        gan = GAN(**{**SMALL, "epochs": 1}, loss=loss, spectral_norm=False, dtype="float64",
                  generator_learning_rate=1e-12, discriminator_learning_rate=1e-12).fit(X)
        gan.discriminator_.head.biases()[0][...] += bias
        gan.set_params(warm_start=True).fit(X)
        return gan.history_["real_accuracy"][-1], gan.history_["fake_accuracy"][-1]

    shifted = accuracies(100.0)
    if loss == "wasserstein":
        assert shifted == pytest.approx(accuracies(0.0))
        assert 0 < shifted[0] < 1 and 0 < shifted[1] < 1
    else:
        assert shifted == (1.0, 0.0)


def test_history_keys_are_present_and_finite():
    X, _ = two_blobs()
    gan = GAN(**SMALL).fit(X)
    keys = ["discriminator_loss", "generator_loss", "real_accuracy", "fake_accuracy", "diversity",
            "generator_grad_norm", "epoch_time"]
    assert sorted(gan.history_.keys()) == sorted(keys)
    for key in keys:
        assert len(gan.history_[key]) == 3 and np.isfinite(gan.history_[key]).all(), key
    for key in ("real_accuracy", "fake_accuracy"):
        assert all(0 <= value <= 1 for value in gan.history_[key])
    assert all(value > 0 for value in gan.history_["diversity"])
    # The gradient norm is the generator's last step's.
    assert gan.history_["generator_grad_norm"][-1] == pytest.approx(np.linalg.norm(gan.generator_.grads))


def test_conditional_sample_routes_the_one_hot_of_the_label():
    X, y = two_blobs(share_of_first=0.75)
    gan = GAN(**{**SMALL, "dtype": "float64"}).fit(X, np.where(y == 0, "left", "right"))
    np.testing.assert_array_equal(gan.classes_, ["left", "right"])
    assert gan.generator_.n_inputs == gan.latent_dim + 2
    latent = np.random.default_rng(7).standard_normal((400, gan.latent_dim))
    per_class = {}
    for index, label in enumerate(gan.classes_):
        onehot = np.tile(np.eye(2)[index], (400, 1))
        per_class[label] = gan.sample(400, y=label, random_state=7)
        np.testing.assert_allclose(per_class[label], numpy_generate(gan, latent, onehot), rtol=1e-12, atol=1e-12)
    assert not np.allclose(per_class["left"], per_class["right"])
    # One label per row.
    labels = np.array(["right", "left", "left", "right"])
    chosen = gan.sample(4, y=labels, random_state=7)
    for row, label in enumerate(labels):
        np.testing.assert_array_equal(chosen[row], gan.sample(4, y=label, random_state=7)[row])
    # No labels: each row is one class's row for the same noise, drawn in the training proportions.
    mixed = gan.sample(400, random_state=7)
    is_left = np.all(mixed == per_class["left"], axis=1)
    assert np.all(is_left | np.all(mixed == per_class["right"], axis=1))
    assert abs(is_left.mean() - np.mean(y == 0)) < 0.1


def test_callbacks_see_every_epoch_and_can_stop():
    X, _ = two_blobs()
    seen = []
    stop_at_three = LambdaCallback(on_epoch_end=lambda model, epoch, logs: seen.append((epoch, dict(logs)))
                                   or epoch == 2)
    gan = GAN(**{**SMALL, "epochs": 10}, callbacks=[stop_at_three]).fit(X)
    assert [epoch for epoch, _ in seen] == [0, 1, 2] and gan.n_epochs_ == 3
    assert [logs["generator_loss"] for _, logs in seen] == gan.history_["generator_loss"]


def test_early_stopping_watches_a_history_key():
    X, _ = two_blobs()
    # The generator's loss rises as this discriminator learns faster than it.
    stopper = EarlyStopping(monitor="generator_loss", patience=2, mode="min", restore_best_weights=False)
    gan = GAN(**{**SMALL, "epochs": 40}, callbacks=[stopper]).fit(X)
    losses = gan.history_["generator_loss"]
    # Where the rule says it stops: the second epoch in a row without a new best.
    best, wait, expected = np.inf, 0, 40
    for epoch, loss in enumerate(losses):
        best, wait = (loss, 0) if loss < best else (best, wait + 1)
        if wait == 2:
            expected = epoch + 1
            break
    assert gan.n_epochs_ == expected == len(losses) < 40
    assert stopper.stopped_epoch == expected - 1


def test_ctrl_c_stops_after_the_current_epoch_with_a_usable_model():
    X = np.random.default_rng(0).normal(size=(20000, 2)).astype(np.float32)
    gan = GAN((32,), (32,), latent_dim=2, epochs=100_000, random_state=0, n_jobs=1)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.warns(RuntimeWarning, match="interrupted"):
            gan.fit(X)
    finally:
        timer.cancel()
    assert gan.interrupted_ and 1 <= gan.n_epochs_ < 100_000
    assert len(gan.history_) == gan.n_epochs_
    steps_per_epoch = -(-20000 // 64)
    assert gan.generator_.n_steps == gan.discriminator_.body.n_steps == gan.n_epochs_ * steps_per_epoch
    assert np.isfinite(gan.sample(3, random_state=0)).all()
    gan.partial_fit(X[:640])  # and it trains on
    assert not gan.interrupted_ and len(gan.history_) == gan.n_epochs_


def assert_same_model(copy, gan, X, y):
    assert type(copy) is GAN and type(copy.history_) is GANHistory
    if y is not None:
        np.testing.assert_array_equal(copy.classes_, gan.classes_)
    for label in ([None] if y is None else gan.classes_):
        np.testing.assert_array_equal(copy.sample(20, y=label, random_state=0), gan.sample(20, y=label, random_state=0))
    np.testing.assert_array_equal(copy.discriminate(X, y), gan.discriminate(X, y))
    assert copy.history_["diversity"] == gan.history_["diversity"]
    assert copy.history_.diagnose().verdict == gan.history_.diagnose().verdict
    # Everything training needs was kept: both continue the same way.
    copy.partial_fit(X, y)
    gan.partial_fit(X, y)
    assert_same_fit(copy, gan)


@pytest.mark.parametrize("labels", [None, "float"], ids=["unconditional", "float_labels"])
def test_save_and_load_give_the_same_model(tmp_path, labels):
    X, y = two_blobs()
    y = None if labels is None else y.astype(float)
    gan = GAN(**SMALL, spectral_norm=True, minibatch_discrimination=3).fit(X, y)
    gan.save(tmp_path / "gan.npz")
    assert_same_model(zoo.load(tmp_path / "gan.npz"), gan, X, y)


class TestErrors:
    @staticmethod
    def assert_unchanged_after(gan, call, match):
        before, n_epochs, n_rows = fitted_arrays(gan), gan.n_epochs_, len(gan.history_)
        with pytest.raises(ValueError, match=match):
            call()
        after = fitted_arrays(gan)
        for name in before:
            np.testing.assert_array_equal(after[name], before[name], err_msg=name)
        assert gan.n_epochs_ == n_epochs and len(gan.history_) == n_rows

    def test_not_fitted(self):
        with pytest.raises(NotFittedError):
            GAN().sample(3)
        with pytest.raises(NotFittedError):
            GAN().discriminate(np.zeros((3, 2)))

    def test_labels_for_an_unconditional_gan(self):
        X, y = two_blobs()
        gan = GAN(**SMALL).fit(X)
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(X, y), "not conditional")
        self.assert_unchanged_after(gan, lambda: gan.sample(3, y=0), "not conditional")
        self.assert_unchanged_after(gan, lambda: gan.discriminate(X, y), "not conditional")

    def test_labels_missing_or_unknown_for_a_conditional_gan(self):
        X, y = two_blobs()
        gan = GAN(**SMALL).fit(X, y)
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(X), "conditional.*pass y")
        self.assert_unchanged_after(gan, lambda: gan.discriminate(X), "conditional.*pass y")
        self.assert_unchanged_after(gan, lambda: gan.sample(3, y=7), r"labels the GAN was not fitted on: \[7\]")
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(X, np.where(y == 1, 2, y)), r"not fitted on: \[2\]")
        self.assert_unchanged_after(gan, lambda: gan.sample(3, y=[0, 1]), "y must be 1-D with one label per row")
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(X, y[:-1]), "y must be 1-D")

    def test_two_batch_features_at_once(self):
        X, _ = two_blobs()
        with pytest.raises(ValueError, match="minibatch_discrimination=0 or minibatch_std=False"):
            GAN(**SMALL, minibatch_std=True, minibatch_discrimination=4).fit(X)
        gan = GAN(**SMALL).fit(X)
        gan.set_params(minibatch_std=True, minibatch_discrimination=4)
        self.assert_unchanged_after(gan, lambda: gan.fit(X), "minibatch_discrimination and minibatch_std")

    def test_wrong_number_of_features_on_continue(self):
        X, _ = two_blobs()
        gan = GAN(**SMALL).fit(X)
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(X[:, :1]), "features")
        gan.set_params(warm_start=True)
        self.assert_unchanged_after(gan, lambda: gan.fit(np.hstack([X, X])), "features")
        self.assert_unchanged_after(gan, lambda: gan.discriminate(X[:, :1]), "features")
        # A changed latent size does not fit the generator either.
        gan.set_params(latent_dim=5)
        self.assert_unchanged_after(gan, lambda: gan.fit(X), "latent_dim=5")

    def test_bad_sample_counts(self):
        X, _ = two_blobs()
        gan = GAN(**SMALL).fit(X)
        for n_samples in (0, -3, 2.5, True, "4"):
            self.assert_unchanged_after(gan, lambda n=n_samples: gan.sample(n), "n_samples must be a positive integer")

    def test_nan_and_infinity_in_X(self):
        X, _ = two_blobs()
        bad = X.copy()
        bad[5, 1] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            GAN(**SMALL).fit(bad)
        gan = GAN(**SMALL).fit(X)
        self.assert_unchanged_after(gan, lambda: gan.partial_fit(bad), "NaN")
        bad[5, 1] = np.inf
        self.assert_unchanged_after(gan, lambda: gan.fit(bad), "inf")

    def test_bad_parameters_name_themselves(self):
        X, _ = two_blobs()
        for params, match in [({"loss": "wgan"}, "loss"), ({"n_critic": 0}, "n_critic"),
                              ({"weight_clip": -1.0}, "weight_clip"), ({"latent_dim": 0}, "latent_dim"),
                              ({"discriminator_layers": ()}, "discriminator_layers"),
                              ({"minibatch_discrimination": -1}, "minibatch_discrimination")]:
            with pytest.raises(ValueError, match=match):
                GAN(**{**SMALL, **params}).fit(X)
        with pytest.raises(TypeError, match="generator_learning_rate"):
            GAN(lr=0.1)


# ------------------------------------------------------- GANHistory.diagnose


def synthetic_history(n=12, *, diversity=None, accuracy=None, grad_norm=None, d_loss=None):
    """A GANHistory of n epochs: a healthy run unless a curve is given."""
    history = GANHistory()
    curves = {
        "discriminator_loss": d_loss if d_loss is not None else np.linspace(1.3, 1.2, n),
        "generator_loss": np.linspace(0.8, 0.75, n),
        "real_accuracy": accuracy if accuracy is not None else np.full(n, 0.6),
        "fake_accuracy": accuracy if accuracy is not None else np.full(n, 0.55),
        "diversity": diversity if diversity is not None else np.linspace(0.6, 0.9, n),
        "generator_grad_norm": grad_norm if grad_norm is not None else np.full(n, 0.2),
    }
    for epoch in range(n):
        history.append({key: float(values[epoch]) for key, values in curves.items()})
    return history


def remedies(diagnosis):
    return " ".join(diagnosis.suggestions)


def test_healthy_run_is_good():
    diagnosis = synthetic_history().diagnose()
    assert diagnosis.verdict == "good"
    assert "0.9" in " ".join(diagnosis.reasons)


def test_too_short_a_run_is_not_judged():
    for n in (0, 1, 2):
        assert synthetic_history(n).diagnose().verdict == "too short"
    assert synthetic_history(3).diagnose().verdict == "good"


def test_mode_collapse():
    collapsing = np.concatenate([np.linspace(0.5, 0.9, 6), np.linspace(0.6, 0.1, 6)])
    diagnosis = synthetic_history(diversity=collapsing, accuracy=np.full(12, 0.95)).diagnose()
    assert diagnosis.verdict == "mode collapse"
    assert "0.1" in diagnosis.reasons[0] and "best 0.9" in diagnosis.reasons[0]
    for parameter in ("minibatch_std", "minibatch_discrimination", "spectral_norm"):
        assert parameter in remedies(diagnosis)
    # Low diversity is not collapse while the discriminator cannot tell the rows apart ...
    assert synthetic_history(diversity=collapsing, accuracy=np.full(12, 0.7)).diagnose().verdict == "good"
    # ... nor a drop from a peak to a value still half the data's spread.
    falling = np.concatenate([np.full(6, 2.0), np.full(6, 0.6)])
    assert synthetic_history(diversity=falling, accuracy=np.full(12, 0.95)).diagnose().verdict == "good"


def test_vanishing_generator_gradient():
    vanishing = np.geomspace(1.0, 1e-5, 12)
    diagnosis = synthetic_history(grad_norm=vanishing, accuracy=np.full(12, 0.99)).diagnose()
    assert diagnosis.verdict == "vanishing generator gradient"
    assert "non_saturating" in remedies(diagnosis) and "discriminator_learning_rate" in remedies(diagnosis)
    # A small gradient while the discriminator is not winning is not the minimax trap.
    assert synthetic_history(grad_norm=vanishing, accuracy=np.full(12, 0.6)).diagnose().verdict == "good"
    # Nor is a gradient that fell only 100-fold.
    assert synthetic_history(grad_norm=np.geomspace(1.0, 1e-2, 12),
                             accuracy=np.full(12, 0.99)).diagnose().verdict == "good"


def test_collapse_and_vanishing_gradient_together_name_both_remedies():
    diagnosis = synthetic_history(diversity=np.linspace(0.9, 0.05, 12), grad_norm=np.geomspace(1.0, 1e-6, 12),
                                  accuracy=np.full(12, 0.97)).diagnose()
    assert diagnosis.verdict == "mode collapse" and len(diagnosis.reasons) == 2
    assert "minibatch_std" in remedies(diagnosis) and "non_saturating" in remedies(diagnosis)


def test_oscillation():
    swinging = 1.0 + 0.4 * (-1.0) ** np.arange(12)  # 1.4, 0.6, 1.4, ...: every step turns, by 80% of the level
    diagnosis = synthetic_history(d_loss=swinging).diagnose()
    assert diagnosis.verdict == "oscillation"
    assert "100%" in diagnosis.reasons[0]
    assert "generator_learning_rate" in remedies(diagnosis) and "discriminator_learning_rate" in remedies(diagnosis)
    # Small wobbles around a steady level are not oscillation.
    wobbling = 1.0 + 0.02 * (-1.0) ** np.arange(12)
    assert synthetic_history(d_loss=wobbling).diagnose().verdict == "good"
    # Only the last half counts, and it needs 6 epochs: an early swing that settles is fine.
    settled = np.concatenate([swinging[:6], np.linspace(1.0, 0.95, 6)])
    assert synthetic_history(d_loss=settled).diagnose().verdict == "good"
    assert synthetic_history(11, d_loss=swinging[:11]).diagnose().verdict == "oscillation"
    assert synthetic_history(10, d_loss=swinging[:10]).diagnose().verdict == "good"  # a 5-epoch tail
    # A Wasserstein critic's loss settles near 0: noise there is small against the run's scale ...
    critic = np.concatenate([np.linspace(-3.0, -0.1, 6), -0.05 + 0.03 * (-1.0) ** np.arange(6)])
    assert synthetic_history(d_loss=critic).diagnose().verdict == "good"
    # ... while swings of a third of it are oscillation.
    critic_swinging = np.concatenate([np.linspace(-3.0, -0.1, 6), 0.5 * (-1.0) ** np.arange(6)])
    assert synthetic_history(d_loss=critic_swinging).diagnose().verdict == "oscillation"


def test_a_fitted_gan_diagnoses_its_own_history():
    X, _ = two_blobs()
    gan = GAN(**SMALL).fit(X)
    assert gan.history_.diagnose().verdict in {"good", "mode collapse", "vanishing generator gradient", "oscillation"}
    assert GAN(**{**SMALL, "epochs": 2}).fit(X).history_.diagnose().verdict == "too short"


# ------------------------------------------ the network estimators' toolbox


def test_early_stopping_restores_the_best_epoch_weights():
    # EarlyStopping's default (restore_best_weights=True), as for the other network estimators.
    X, _ = two_blobs()
    seen = {}
    record = LambdaCallback(on_epoch_end=lambda model, epoch, logs: seen.__setitem__(epoch, fitted_arrays(model)))
    stopper = EarlyStopping(monitor="generator_loss", patience=2)
    gan = GAN(**{**SMALL, "epochs": 40}, callbacks=[record, stopper]).fit(X)
    best = int(np.argmin(gan.history_["generator_loss"]))
    assert gan.n_epochs_ < 40 and best == stopper.best_epoch
    np.testing.assert_array_equal(gan.generator_.params, seen[best]["generator"])
    np.testing.assert_array_equal(gan.discriminator_.body.params, seen[best]["body"])


def test_a_gan_fitted_with_callbacks_saves(tmp_path):
    # Callbacks are run-time hooks that a saved model does not carry (as zoo.MLP and zoo.Autoencoder).
    X, _ = two_blobs()
    gan = GAN(**SMALL, callbacks=[LambdaCallback(on_epoch_end=lambda model, epoch, logs: None)]).fit(X)
    gan.save(tmp_path / "gan.npz")
    loaded = zoo.load(tmp_path / "gan.npz")
    assert loaded.callbacks is None
    np.testing.assert_array_equal(loaded.sample(5, random_state=0), gan.sample(5, random_state=0))


@pytest.mark.parametrize("labels", ["int", "str"])
def test_a_conditional_gan_saves_with_its_labels(tmp_path, labels):
    # Class labels of any kind, as zoo.MLPClassifier keeps them.
    X, y = two_blobs()
    y = y if labels == "int" else np.where(y == 0, "left", "right")
    gan = GAN(**SMALL).fit(X, y)
    gan.save(tmp_path / "gan.npz")
    loaded = zoo.load(tmp_path / "gan.npz")
    np.testing.assert_array_equal(loaded.classes_, gan.classes_)
    for label in gan.classes_:
        np.testing.assert_array_equal(loaded.sample(5, y=label, random_state=0), gan.sample(5, y=label, random_state=0))


def test_pickle_gives_the_same_model():
    # Plain pickle, as joblib and multiprocessing use.
    X, y = two_blobs()
    gan = GAN(**SMALL, spectral_norm=True, minibatch_discrimination=3).fit(X, y.astype(float))
    assert_same_model(pickle.loads(pickle.dumps(gan)), gan, X, y.astype(float))
