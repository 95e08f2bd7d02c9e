"""Autoencoders on the network engine: zoo.Autoencoder.

An autoencoder is a network trained to reproduce its input through a narrow
layer, the code (Rumelhart, Hinton & Williams 1986; Hinton & Salakhutdinov,
"Reducing the dimensionality of data with neural networks", Science 2006).
The encoder is the layers up to the code, the decoder the layers after it;
both live in one network trained end to end by the C++ engine with every
option of zoo.nn (optimizers, schedules, dropout, batch norm, penalties,
early stopping, callbacks, checkpoints, exact resume).

The denoising variant (Vincent, Larochelle, Bengio & Manzagol, "Extracting
and composing robust features with denoising autoencoders", ICML 2008)
trains on corrupted inputs against the clean ones as targets.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from zoo import _core
from zoo._set_output import class_prefixed_names
from zoo._threads import resolve_n_jobs
from zoo._validation import check_is_fitted, check_sample_weight, is_dask_collection
from zoo.base import BaseEstimator, Interval, Options, TransformerMixin
from zoo.dask._blocks import dask_fit, lazy_rows
from zoo.nn._constraints import (
    DEVICE_CONSTRAINTS,
    ENGINE_ALIASES,
    ENGINE_CONSTRAINTS,
    RUN_CONSTRAINTS,
    TRAINING_ALIASES,
    TRAINING_CONSTRAINTS,
)
from zoo.nn._model import TrainingSet
from zoo.nn.history import History
from zoo.nn.network import ACTIVATIONS
from zoo.unsupervised._autoencoder_network import LOSSES, _AutoencoderNetwork
from zoo.unsupervised._corruption import NOISES

__all__ = ["Autoencoder"]


class Autoencoder(TransformerMixin, _AutoencoderNetwork, BaseEstimator):
    """A fully connected autoencoder: encoder, code, decoder in one network.

    `transform` encodes, `inverse_transform` decodes, and
    `reconstruction_error` scores each sample (high error: unlike the
    training data, as in anomaly detection).

    Parameters
    ----------
    encoder_layer_sizes : int or sequence of int, default=(128, 32)
        Widths of the encoder's layers; the last one is the code
        (`n_components_`).
    decoder_layer_sizes : int, sequence of int or None, default=None
        Widths of the decoder's hidden layers (the output layer, as wide as
        the input, is added). None mirrors the encoder: (128, 32) gives a
        decoder 32 -> 128 -> n_features.
    activation : {"relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers of encoder and decoder.
    code_activation : str, default="identity"
        Activation of the code layer. Identity by default: a linear code is
        not clipped (ReLU would leave some code units dead at zero), and a
        linear autoencoder then spans the principal subspace, as PCA does
        (Baldi & Hornik 1989).
    output_activation : {"identity", "sigmoid", ...}, default="identity"
        Activation of the reconstruction. With loss="binary_crossentropy" it
        must be "sigmoid" (the engine fuses it with the loss, for stability).
    loss : {"mse", "mae", "huber", "binary_crossentropy"}, default="mse"
        Reconstruction loss, averaged over features. Binary cross-entropy
        needs inputs in [0, 1] (e.g. pixel intensities).
    denoising : float, default=0.0
        Corruption of the training inputs (0: a plain autoencoder): the
        standard deviation of added Gaussian noise, or the probability that
        an input is set to 0 with noise="mask". The targets stay clean.
    noise : {"gaussian", "mask"}, default="gaussian"
    optimizer, learning_rate, lr_schedule, batch_size, epochs, l1, l2,
    clip_norm, clip_value, early_stopping, callbacks, verbose, random_state,
    n_jobs, warm_start, init, init_from, init_layers, huber_delta, shuffle, dtype
        As in zoo.MLP.
    dropout : float or sequence, default=0
        Drop rate after each hidden layer, the code included (one rate, or
        one per encoder and decoder hidden layer).
    batch_norm : bool, default=False
        Batch normalisation in every layer but the output.
    validation_split : float, default=0
        Fraction of the samples held out to compute `val_loss`.
    validation_data : array-like of shape (n_val, n_features), default=None
        Held-out samples (their own targets); validation inputs are never
        corrupted.
    frozen_layers : sequence of int, default=None
        Layers (0 = first encoder layer, -1 = output) whose parameters do
        not change.
    device : {"cpu", "cuda"}, default="cpu"
        Where the epochs train, as in zoo.MLP: "cuda" keeps the rows on an
        NVIDIA GPU for the fit (a denoising fit sends each epoch's corrupted
        copy up again); not yet with batch_norm or dropout.

    Attributes
    ----------
    params_, buffers_, optimizer_state_ : ndarray
        All of the network's state (see zoo.nn.network).
    coefs_, intercepts_ : list of ndarray (views of params_)
    n_components_ : int
        Width of the code.
    n_encoder_layers_ : int
    history_ : zoo.nn.History
    n_epochs_, n_steps_ : int
    n_features_in_ : int
    interrupted_ : bool
        Training stopped on Ctrl-C.

    Notes
    -----
    Denoising keeps one corrupted copy of the training inputs in memory
    (as large as X), refilled every epoch.

    The network computes in `dtype`; `transform`, `inverse_transform` and
    `reconstruct` answer in the caller's float type (float32 or float64),
    so that a pipeline keeps its dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from zoo.unsupervised.autoencoder import Autoencoder
    >>> X = np.random.default_rng(0).random((200, 10))
    >>> model = Autoencoder((8, 2), epochs=5, random_state=0).fit(X)
    >>> model.transform(X).shape, model.inverse_transform(model.transform(X)).shape
    ((200, 2), (200, 10))
    >>> model.reconstruction_error(X).shape
    (200,)
    """

    _parameter_aliases = {
        **TRAINING_ALIASES,
        **ENGINE_ALIASES,
        "hidden_layer_sizes": "the layers are encoder_layer_sizes=... (down to the code) and "
                              "decoder_layer_sizes=... (None mirrors the encoder)",
    }
    _parameter_constraints = {
        "encoder_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "decoder_layer_sizes": [None, "array-like", Interval(Integral, 1, None, closed="left")],
        "code_activation": [Options(set(ACTIVATIONS))],
        "output_activation": [Options(set(ACTIVATIONS))],
        "loss": [Options(set(LOSSES))],
        "denoising": [Interval(Real, 0, None, closed="left")],
        "noise": [Options(set(NOISES))],
        "validation_data": [None, "array-like"],
        **ENGINE_CONSTRAINTS,
        **TRAINING_CONSTRAINTS,
        **RUN_CONSTRAINTS,
        **DEVICE_CONSTRAINTS,
    }

    def __init__(
        self,
        encoder_layer_sizes=(128, 32),
        *,
        decoder_layer_sizes=None,
        activation="relu",
        code_activation="identity",
        output_activation="identity",
        loss="mse",
        denoising=0.0,
        noise="gaussian",
        optimizer="adam",
        learning_rate=1e-3,
        lr_schedule=None,
        batch_size=32,
        epochs=100,
        l1=0.0,
        l2=0.0,
        dropout=0.0,
        batch_norm=False,
        clip_norm=None,
        clip_value=None,
        validation_split=0.0,
        validation_data=None,
        early_stopping=False,
        callbacks=None,
        verbose=0,
        random_state=None,
        n_jobs=None,
        warm_start=False,
        init="glorot_uniform",
        init_from=None,
        init_layers=None,
        frozen_layers=None,
        huber_delta=1.0,
        shuffle=True,
        dtype="float32",
        device="cpu",
    ):
        self.encoder_layer_sizes = encoder_layer_sizes
        self.decoder_layer_sizes = decoder_layer_sizes
        self.activation = activation
        self.code_activation = code_activation
        self.output_activation = output_activation
        self.loss = loss
        self.denoising = denoising
        self.noise = noise
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.epochs = epochs
        self.l1 = l1
        self.l2 = l2
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.validation_split = validation_split
        self.validation_data = validation_data
        self.early_stopping = early_stopping
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.warm_start = warm_start
        self.init = init
        self.init_from = init_from
        self.init_layers = init_layers
        self.frozen_layers = frozen_layers
        self.huber_delta = huber_delta
        self.shuffle = shuffle
        self.dtype = dtype
        self.device = device

    # -- fitting ---------------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None, *, resume=False):
        """Train for `epochs` epochs to reconstruct X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None
        resume : bool, default=False
            Continue a saved or interrupted run up to `epochs` epochs in all,
            exactly as if it had never stopped (same shuffles, dropout masks,
            noise and schedule).

        Returns
        -------
        self
        """
        self._validate_params()
        if is_dask_collection(X):
            return dask_fit(self, X, y, sample_weight, resume=resume)
        continuing = (resume or self.warm_start) and hasattr(self, "params_")
        X = self._read_training_input(X, reset=not continuing)
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        if not continuing:
            self._start(X)
        train, validation = self._split(X, weight)
        if not continuing:
            self.history_ = History(baseline=self._targets().baseline(train, self.loss))
        until = self.epochs if resume else self.n_epochs_ + self.epochs
        self.interrupted_ = False
        self._train(train, validation, until)
        return self

    def _fit_dask(self, X, y, sample_weight, *, resume=False):
        from zoo.dask._networks import fit_network  # noqa: PLC0415

        return fit_network(self, X, None, sample_weight, resume=resume)

    def partial_fit(self, X, y=None, sample_weight=None):
        """One epoch over X, starting a model on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        first_call = not hasattr(self, "params_")
        if first_call:
            self._validate_params()
        X = self._read_training_input(X, reset=first_call)
        weight = check_sample_weight(sample_weight, X.shape[0], X.dtype, estimator=self)
        if first_call:
            self._start(X)
        self.interrupted_ = False
        self._train(TrainingSet(X, X, weight), None, self.n_epochs_ + 1)
        return self

    # -- using the model ----------------------------------------------------------

    @lazy_rows
    def transform(self, X):
        """Encode: the code of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        X, out = self._read(X, None)
        encoder, _ = self._parts()
        return encoder.predict(X, resolve_n_jobs(self.n_jobs)).astype(out, copy=False)

    @lazy_rows
    def inverse_transform(self, X):
        """Decode: the reconstruction of each code.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components_)
            Codes, as `transform` returns them.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self, "params_")
        codes, out = self._read(X, self.n_components_, name="codes")
        _, decoder = self._parts()
        return self._decoded(decoder.predict(codes, resolve_n_jobs(self.n_jobs))).astype(out, copy=False)

    @lazy_rows
    def reconstruct(self, X):
        """Encode then decode in one pass: inverse_transform(transform(X)).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
        """
        X, out = self._read(X, None)
        return self._decoded(self._forward(X)).astype(out, copy=False)

    @lazy_rows
    def reconstruction_error(self, X):
        """The loss of each sample's reconstruction, averaged over features
        (squared error for "mse", cross-entropy for "binary_crossentropy"...):
        high values flag samples unlike the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), float64
        """
        X, _ = self._read(X, None)
        # The engine's own per-row loss (from the logits for cross-entropy).
        return _core.nn_sample_losses(LOSSES[self.loss], self._forward(X), X, float(self.huber_delta))

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the mean reconstruction error (higher is better, as
        scikit-learn's model selection expects).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        errors = self.reconstruction_error(X)
        weight = check_sample_weight(sample_weight, errors.shape[0], np.float64)
        return -float(np.average(errors, weights=weight)) if weight.sum() > 0 else -float(errors.mean())

    def get_feature_names_out(self, input_features=None):
        """Names of the code units: "autoencoder0", "autoencoder1", ...

        Parameters
        ----------
        input_features : ignored

        Returns
        -------
        ndarray of str objects, shape (n_components_,)
        """
        check_is_fitted(self, "params_")
        return class_prefixed_names(self, self.n_components_)
