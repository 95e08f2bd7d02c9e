"""Generative adversarial networks: zoo.GAN.

A generator maps latent noise to samples; a discriminator learns to tell
them from the training rows, and the generator learns to fool it
(Goodfellow et al., "Generative adversarial nets", NeurIPS 2014). Whole
epochs run in C++ (cpp/src/nn/gan.cpp) with the remedies for mode collapse
as parameters: the loss, two optimizers and learning rates, n_critic,
weight clipping, spectral normalisation, mini-batch discrimination and the
mini-batch standard deviation. `history_.diagnose()` recognises mode
collapse, a vanishing generator gradient and oscillation.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._fitted_state import Array, optional
from zoo._threads import resolve_n_jobs
from zoo._validation import check_is_fitted, check_random_state, validate_data
from zoo.base import BaseEstimator, Interval, Options
from zoo.nn._constraints import RUN_CONSTRAINTS
from zoo.nn._driver import callback_list, run_rounds
from zoo.nn._model import epoch_seed, epoch_stream_seed
from zoo.nn.history import HistoryStateMixin
from zoo.nn.init import INITIALIZERS
from zoo.nn.network import ACTIVATIONS, Network, dense_layers, layer_sizes
from zoo.nn.optimizers import Adam, get_optimizer
from zoo.unsupervised._gan_history import GANHistory
from zoo.unsupervised._gan_networks import GANDiscriminator

__all__ = ["GAN"]

LOSSES = ("minimax", "non_saturating", "least_squares", "hinge", "wasserstein")
# Rows that measure diversity each epoch: enough for a stable mean distance, cheap to generate.
_DIVERSITY_ROWS = 256
_DIVERSITY_STREAM = 0xD1E5


def _gan_adam():
    """Adam with beta1 = 0.5, the GAN default since Radford et al. (DCGAN, 2016):
    a shorter momentum follows the moving target of the other network."""
    return Adam(beta1=0.5, beta2=0.999)


class GAN(HistoryStateMixin, BaseEstimator):
    """A generative adversarial network of two fully connected networks.

    Parameters
    ----------
    generator_layers : int or sequence of int, default=(128, 128)
        Hidden layer widths of the generator (latent -> ... -> n_features).
    discriminator_layers : int or sequence of int, default=(128, 128)
        Hidden layer widths of the discriminator (n_features -> ... -> 1 logit);
        at least one.
    latent_dim : int, default=8
        Size of the standard normal noise the generator maps.
    activation : str, default="relu"
        The generator's hidden activation.
    discriminator_activation : str, default="leaky_relu"
        The discriminator's hidden activation (leaky: its gradient reaches
        the generator even where a ReLU would be off).
    output_activation : str, default="identity"
        The generator's output: "tanh" or "sigmoid" for data scaled to
        [-1, 1] or [0, 1].
    loss : {"minimax", "non_saturating", "least_squares", "hinge", "wasserstein"}, default="non_saturating"
        "minimax" is the original game, whose generator gradient vanishes
        when the discriminator wins; "non_saturating" (the generator
        maximises log D(G(z))) is the usual remedy; "least_squares" (Mao et
        al. 2017) and "hinge" (Lim & Ye 2017) give smoother gradients;
        "wasserstein" (Arjovsky et al. 2017) trains a critic, with
        weight_clip or spectral_norm to keep it Lipschitz and n_critic
        critic steps per generator step.
    generator_optimizer, discriminator_optimizer : str, zoo.nn optimizer or None, default=None
        None: Adam with beta1=0.5, beta2=0.999 (Radford et al. 2016).
    generator_learning_rate : float, default=2e-4
    discriminator_learning_rate : float, default=2e-4
        DCGAN's rate for both (Radford et al. 2016). A faster discriminator
        (e.g. 4 times the generator's) is the two time-scale update rule
        (Heusel et al. 2017).
    n_critic : int, default=1
        Discriminator steps per generator step (5 is usual for "wasserstein").
    weight_clip : float or None, default=None
        Clip every discriminator value to [-c, c] after each step (WGAN's
        original constraint; 0.01 in its paper).
    spectral_norm : bool, default=True
        Divide each discriminator weight matrix by its largest singular
        value, estimated by one power iteration per step (Miyato et al.
        2018). On by default: it is the remedy that covered every mode of
        bench/bench_gan.py's ring and grid on every seed, at little cost;
        False gives the plain GAN.
    minibatch_discrimination : int, default=0
        Number of kernels of mini-batch discrimination (Salimans et al.
        2016) between the discriminator's last hidden layer and its output;
        0: off. Each kernel adds one feature measuring how close a row is
        to the rest of its batch.
    minibatch_kernel_dim : int, default=5
        Values per kernel of mini-batch discrimination.
    minibatch_std : bool, default=False
        Append the batch's mean standard deviation of the last hidden
        features to each row (Karras et al. 2018). A collapsed batch has
        almost none, which the discriminator can see.
    batch_size : int, default=64
    epochs : int, default=100
        Passes over the data per fit; each real batch gives one
        discriminator step.
    init : {"torch_default", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"}, default="torch_default"
    warm_start : bool, default=False
        Continue from the current networks on the next fit.
    callbacks, verbose, random_state, n_jobs
        As in zoo.MLP.
    dtype : {"float32", "float64"}, default="float32"

    Attributes
    ----------
    generator_ : zoo.nn.Network
        latent (+ one-hot class) -> sample.
    discriminator_ : GANDiscriminator
        Its networks (`body`, `projection`, `head`) and spectral estimates.
    classes_ : ndarray
        The labels of a conditional GAN (fit with y).
    history_ : GANHistory
        Per epoch: "discriminator_loss", "generator_loss", "real_accuracy",
        "fake_accuracy", "diversity", "generator_grad_norm", "epoch_time".
    n_epochs_ : int
    n_features_in_ : int
    interrupted_ : bool

    Examples
    --------
    >>> import numpy as np
    >>> from zoo import GAN
    >>> X = np.random.default_rng(0).normal(size=(256, 2)) * [1.0, 0.1]
    >>> gan = GAN((32,), (32,), latent_dim=2, epochs=5, random_state=0).fit(X)
    >>> gan.sample(10, random_state=0).shape
    (10, 2)
    """

    _parameter_aliases = {
        "lr": "each network has its own rate: generator_learning_rate=... and discriminator_learning_rate=...",
        "learning_rate": "each network has its own rate: generator_learning_rate=... and "
                         "discriminator_learning_rate=...",
        "optimizer": "each network has its own: generator_optimizer=... and discriminator_optimizer=...",
        "noise_dim": "the noise's size is latent_dim=...",
        "z_dim": "the noise's size is latent_dim=...",
    }
    _parameter_constraints = {
        "generator_layers": ["array-like", Interval(Integral, 1, None, closed="left")],
        "discriminator_layers": ["array-like", Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "activation": [Options(set(ACTIVATIONS))],
        "discriminator_activation": [Options(set(ACTIVATIONS))],
        "output_activation": [Options(set(ACTIVATIONS))],
        "loss": [Options(set(LOSSES))],
        "generator_optimizer": [None, "no_validation"],
        "discriminator_optimizer": [None, "no_validation"],
        "generator_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "discriminator_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "weight_clip": [None, Interval(Real, 0, None, closed="neither")],
        "spectral_norm": ["boolean"],
        "minibatch_discrimination": [Interval(Integral, 0, None, closed="left")],
        "minibatch_kernel_dim": [Interval(Integral, 1, None, closed="left")],
        "minibatch_std": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "init": [Options({*INITIALIZERS, "torch_default"})],
        "warm_start": ["boolean"],
        "dtype": [Options({"float32", "float64"})],
        **RUN_CONSTRAINTS,
    }
    _fitted_state = {
        "generator_": [Network],
        "discriminator_": [GANDiscriminator],
        "n_epochs_": [Interval(Integral, 0, None)],
        "_seed_": [Interval(Integral, 0, None)],
        "_critic_phase_": [Interval(Integral, 0, None)],
        "_reference_": Array((_DIVERSITY_ROWS, "n_features_in_"), "f"),
        "_reference_spread_": [Real],
        "classes_": optional(Array(("n_classes",), "biufUO")),
        "_class_counts_": optional(Array(("n_classes",), "iu")),
        "interrupted_": optional(["boolean"]),
    }

    def __init__(
        self,
        generator_layers=(128, 128),
        discriminator_layers=(128, 128),
        latent_dim=8,
        *,
        activation="relu",
        discriminator_activation="leaky_relu",
        output_activation="identity",
        loss="non_saturating",
        generator_optimizer=None,
        discriminator_optimizer=None,
        generator_learning_rate=2e-4,
        discriminator_learning_rate=2e-4,
        n_critic=1,
        weight_clip=None,
        spectral_norm=True,
        minibatch_discrimination=0,
        minibatch_kernel_dim=5,
        minibatch_std=False,
        batch_size=64,
        epochs=100,
        init="torch_default",
        warm_start=False,
        callbacks=None,
        verbose=0,
        random_state=None,
        n_jobs=None,
        dtype="float32",
    ):
        self.generator_layers = generator_layers
        self.discriminator_layers = discriminator_layers
        self.latent_dim = latent_dim
        self.activation = activation
        self.discriminator_activation = discriminator_activation
        self.output_activation = output_activation
        self.loss = loss
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.generator_learning_rate = generator_learning_rate
        self.discriminator_learning_rate = discriminator_learning_rate
        self.n_critic = n_critic
        self.weight_clip = weight_clip
        self.spectral_norm = spectral_norm
        self.minibatch_discrimination = minibatch_discrimination
        self.minibatch_kernel_dim = minibatch_kernel_dim
        self.minibatch_std = minibatch_std
        self.batch_size = batch_size
        self.epochs = epochs
        self.init = init
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.dtype = dtype

    # -- fitting -----------------------------------------------------------------

    def fit(self, X, y=None):
        """Train for `epochs` epochs on the rows of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            Class labels: a conditional GAN (Mirza & Osindero 2014), whose
            generator and discriminator both see the one-hot class, so
            `sample(n, y=...)` draws rows of a chosen class.

        Returns
        -------
        self
        """
        self._validate_params()
        continuing = self.warm_start and "generator_" in vars(self)
        X, conditions = self._read_training(X, y, reset=not continuing)
        if not continuing:
            self._start(X, conditions)
        self._train(X, conditions, self.n_epochs_ + self.epochs)
        return self

    def partial_fit(self, X, y=None):
        """One epoch over X, starting the networks on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            Class labels (the first call decides whether the GAN is
            conditional; later calls must agree and use its classes).

        Returns
        -------
        self
        """
        first_call = "generator_" not in vars(self)
        if first_call:
            self._validate_params()
        X, conditions = self._read_training(X, y, reset=first_call)
        if first_call:
            self._start(X, conditions)
        self._train(X, conditions, self.n_epochs_ + 1)
        return self

    # -- using the model ---------------------------------------------------------------

    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Generate rows: G(z) for standard normal z.

        Parameters
        ----------
        n_samples : int, default=1
        y : label or array-like of shape (n_samples,), default=None
            A conditional GAN's classes for the rows (one label for all of
            them, or one each); None draws them in the training
            proportions. Must be None for an unconditional GAN.
        random_state : None, int or numpy.random.Generator, default=None
            Draws the noise (and the classes); an int gives the same rows
            every call.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self, "generator_")
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
        rng = check_random_state(random_state)
        latent = rng.standard_normal((int(n_samples), self.latent_dim))
        return self._generate(latent, self._sample_conditions(int(n_samples), y, rng))

    def discriminate(self, X, y=None):
        """The discriminator's logit for each row (higher: judged real).

        Rows are judged in batches of `batch_size`, as in training (the
        batch features compare each row with its batch).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            A conditional GAN's class of each row (required for one).

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "generator_")
        X = validate_data(self, X, reset=False, dtype=self.generator_.dtype)
        conditions = self._conditions(y, X.shape[0], reset=False)
        body, projection, head, u = self.discriminator_.kernel_states(learning=False)
        return _core.gan_discriminate(self.generator_.kernel_state(learning=False), body, projection, head, u, X,
                                      conditions, self._gan_config(resolve_n_jobs(self.n_jobs)))

    # -- weights for callbacks, persistence -------------------------------------

    def _get_weights(self) -> dict:
        weights = {"generator_": self.generator_.params.copy()}
        for name, net in zip(("body", "projection", "head"), (self.discriminator_.body, self.discriminator_.projection,
                                                              self.discriminator_.head)):
            if net is not None:
                weights[name] = net.params.copy()
        if self.discriminator_.spectral_u is not None:
            weights["spectral_u"] = self.discriminator_.spectral_u.copy()
        return weights

    def _set_weights(self, weights: dict) -> None:
        self.generator_.params[...] = weights["generator_"]
        for name in ("body", "projection", "head"):
            if name in weights:
                getattr(self.discriminator_, name).params[...] = weights[name]
        if "spectral_u" in weights:
            self.discriminator_.spectral_u[...] = weights["spectral_u"]

    def _persisted_params(self):
        # Callbacks are run-time hooks (they may hold files, or this model); a saved model does not carry them.
        return {**super()._persisted_params(), "callbacks": None}

    # -- internals -----------------------------------------------------------------

    @property
    def _conditional(self) -> bool:
        return "classes_" in vars(self)

    def _read_training(self, X, y, *, reset):
        X = validate_data(self, X, reset=reset, dtype=np.dtype(self.dtype))
        if self.minibatch_discrimination and self.minibatch_std:
            raise ValueError("minibatch_discrimination and minibatch_std are two batch features; choose one "
                             "(set minibatch_discrimination=0 or minibatch_std=False)")
        return X, self._conditions(y, X.shape[0], reset=reset)

    def _conditions(self, y, n, *, reset):
        """One-hot rows for labels y (None for an unconditional GAN)."""
        if reset:
            for name in ("classes_", "_class_counts_"):
                vars(self).pop(name, None)
            if y is None:
                return None
            y = np.asarray(y)
            if y.ndim != 1 or y.shape[0] != n:
                raise ValueError(f"y must be 1-D with one label per row of X ({n}), got shape {y.shape}")
            self.classes_, self._class_counts_ = np.unique(y, return_counts=True)
        if not self._conditional:
            if y is not None:
                raise ValueError("this GAN was fitted without labels, so it is not conditional: pass y=None "
                                 "(or fit a fresh one with y)")
            return None
        if y is None:
            raise ValueError(f"this GAN is conditional (fitted with labels {self.classes_.tolist()}): pass y")
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"y must be 1-D with one label per row of X ({n}), got shape {np.shape(y)}")
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(f"y holds labels the GAN was not fitted on: {np.unique(y[unknown]).tolist()[:5]}; "
                             f"its classes are {self.classes_.tolist()}")
        return np.eye(len(self.classes_), dtype=self.generator_.dtype if "generator_" in vars(self)
                      else np.dtype(self.dtype))[index]

    def _sample_conditions(self, n, y, rng):
        if not self._conditional:
            return self._conditions(y, n, reset=False)
        if y is None:
            y = rng.choice(self.classes_, size=n, p=self._class_counts_ / self._class_counts_.sum())
        elif np.ndim(y) == 0:
            y = np.full(n, y, dtype=self.classes_.dtype)
        return self._conditions(y, n, reset=False)

    def _start(self, X, conditions):
        rng = check_random_state(self.random_state)
        n_conditions = 0 if conditions is None else conditions.shape[1]
        generator_sizes = layer_sizes(self.generator_layers, "generator_layers")
        hidden = layer_sizes(self.discriminator_layers, "discriminator_layers", allow_empty=False)
        n_features = X.shape[1]
        self.generator_ = Network(
            dense_layers([self.latent_dim + n_conditions, *generator_sizes, n_features], self.activation,
                         output_activation=self.output_activation), dtype=self.dtype).initialize(self.init, rng)
        feature = ("minibatch_discrimination" if self.minibatch_discrimination
                   else "minibatch_std" if self.minibatch_std else "none")
        self.discriminator_ = GANDiscriminator(
            n_features + n_conditions, hidden, self.discriminator_activation, feature=feature,
            n_kernels=self.minibatch_discrimination, kernel_dim=self.minibatch_kernel_dim,
            spectral_norm=self.spectral_norm, dtype=self.dtype).initialize(self.init, rng)
        self.n_epochs_ = 0
        self._critic_phase_ = 0
        self._seed_ = int(rng.integers(0, 2**63))
        # Diversity is measured against a fixed subset of the data, drawn once: always _DIVERSITY_ROWS rows
        # (with repeats when the data have fewer), so the saved subset's shape is known and checked on load.
        rows = rng.choice(X.shape[0], size=_DIVERSITY_ROWS, replace=X.shape[0] < _DIVERSITY_ROWS)
        self._reference_ = np.array(X[np.sort(rows)], dtype=np.float64)
        self._reference_spread_ = float(_mean_pairwise_distance(self._reference_))
        self.history_ = GANHistory()

    def _gan_config(self, n_threads):
        config = _core.GanConfig()
        config.loss = getattr(_core.GanLoss, self.loss)
        config.feature = self.discriminator_.feature_code()
        config.kernel_dim = int(self.discriminator_.kernel_dim)
        config.spectral_norm = self.discriminator_.spectral_u is not None
        config.weight_clip = float(self.weight_clip or 0.0)
        config.n_critic = int(self.n_critic)
        config.batch_size = int(self.batch_size)
        config.latent_dim = int(self.latent_dim)
        config.n_conditions = len(self.classes_) if self._conditional else 0
        config.generator_optimizer = self._optimizer("generator").config(float(self.generator_learning_rate))
        config.discriminator_optimizer = self._optimizer("discriminator").config(
            float(self.discriminator_learning_rate))
        config.n_threads = n_threads
        return config

    def _optimizer(self, which):
        spec = getattr(self, f"{which}_optimizer")
        return _gan_adam() if spec is None else get_optimizer(spec)

    def _train(self, X, conditions, until_epoch):
        self._check_networks(X.shape[1], conditions)
        self.generator_.attach_optimizer(self._optimizer("generator"))
        self.discriminator_.attach_optimizer(self._optimizer("discriminator"))
        config = self._gan_config(resolve_n_jobs(self.n_jobs))
        callbacks = callback_list(self, self.callbacks, until_epoch)

        def run_epoch(epoch, previous_logs):
            config.seed = epoch_seed(self._seed_, epoch)
            generator = self.generator_.kernel_state()
            body, projection, head, u = self.discriminator_.kernel_states()
            out = _core.gan_train_epoch(generator, body, projection, head, u, X, conditions, self._critic_phase_,
                                        config)
            self.generator_.n_steps = int(generator.step)
            self.discriminator_.store_steps(body, projection, head)
            self._critic_phase_ = int(out["critic_phase"])
            self.n_epochs_ = epoch + 1
            logs = {key: float(out[key]) for key in
                    ("discriminator_loss", "generator_loss", "real_accuracy", "fake_accuracy")}
            logs["diversity"] = self._diversity()
            logs["generator_grad_norm"] = float(np.linalg.norm(self.generator_.grads.astype(np.float64)))
            if not all(np.isfinite(value) for value in logs.values()):
                raise ValueError(f"GAN diverged at epoch {epoch + 1} (logs {logs}); lower the learning rates, use "
                                 "spectral_norm=True, or scale the data")
            if out["generator_steps"] == 0:  # n_critic exceeds the epoch's batches: no generator loss this epoch
                logs["generator_loss"] = float("nan")
            return logs

        self.interrupted_ = False
        logs = self.history_.epoch_logs(-1) if len(self.history_) else {}
        run_rounds(self, range(self.n_epochs_, until_epoch), run_epoch, callbacks, logs=logs,
                   resume_hint="partial_fit or fit with warm_start=True continues it")

    def _check_networks(self, n_features, conditions):
        """A continued fit must match the networks' shapes."""
        n_conditions = 0 if conditions is None else conditions.shape[1]
        if self.generator_.n_inputs != self.latent_dim + n_conditions or self.generator_.n_outputs != n_features:
            raise ValueError(f"the generator takes {self.generator_.n_inputs} inputs and makes {self.generator_.n_outputs} "
                             f"features; latent_dim={self.latent_dim} with {n_conditions} classes and {n_features} "
                             "features do not fit it. Fit a fresh GAN (a clone) to change them.")

    def _generate(self, latent, conditions):
        rows = latent if conditions is None else np.hstack([latent, conditions])
        rows = np.ascontiguousarray(rows, dtype=self.generator_.dtype)
        return self.generator_.predict(rows, resolve_n_jobs(self.n_jobs))

    def _diversity(self) -> float:
        """Mean pairwise distance of generated rows over the data's (fixed
        latent rows, so epochs compare)."""
        rng = np.random.default_rng(epoch_stream_seed(self._seed_, 0, _DIVERSITY_STREAM))
        n = self._reference_.shape[0]
        latent = rng.standard_normal((n, self.latent_dim))
        conditions = None
        if self._conditional:
            labels = rng.choice(len(self.classes_), size=n, p=self._class_counts_ / self._class_counts_.sum())
            conditions = np.eye(len(self.classes_), dtype=self.generator_.dtype)[labels]
        spread = _mean_pairwise_distance(self._generate(latent, conditions).astype(np.float64))
        return float(spread / self._reference_spread_) if self._reference_spread_ > 0 else float(spread)


def _mean_pairwise_distance(rows: np.ndarray) -> float:
    n = rows.shape[0]
    if n < 2:
        return 0.0
    squared = np.sum(rows**2, axis=1)
    d2 = np.maximum(squared[:, None] + squared[None, :] - 2 * rows @ rows.T, 0.0)
    return float(np.sqrt(d2).sum() / (n * (n - 1)))
