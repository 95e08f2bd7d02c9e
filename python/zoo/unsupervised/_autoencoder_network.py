"""What the Autoencoder is made of besides its public API (zoo.unsupervised.
autoencoder): its network (encoder, code and decoder layers in one
zoo.nn.Network, and views of the two halves), the inputs it trains on
(checks, the validation split, denoising corruption) and how it reads
inputs and answers in the caller's float type."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from zoo._threads import resolve_n_jobs
from zoo._validation import check_array, check_is_fitted, seed_from_random_state, validate_data
from zoo.base import Interval
from zoo.nn._model import NetworkModelMixin, TrainingSet
from zoo.nn.network import LOSSES as ENGINE_LOSSES
from zoo.nn.network import LayerSpec, layer_sizes
from zoo.supervised._targets import RegressionTargets
from zoo.unsupervised._corruption import Corruption

# The engine's losses that compare a reconstruction with its input.
LOSSES = {name: ENGINE_LOSSES[name] for name in ("mse", "mae", "huber", "binary_crossentropy")}


class _AutoencoderNetwork(NetworkModelMixin):
    """The Autoencoder's network and training inputs (see the module docstring)."""

    _fitted_state = {
        "n_components_": [Interval(Integral, 1, None)],
        "n_encoder_layers_": [Interval(Integral, 1, None)],
    }

    def _read_training_input(self, X, *, reset):
        X = validate_data(self, X, reset=reset, dtype=np.dtype(self.dtype))
        if self.loss == "binary_crossentropy":
            if self.output_activation != "sigmoid":
                raise ValueError(
                    "loss='binary_crossentropy' needs output_activation='sigmoid' "
                    f"(got {self.output_activation!r})"
                )
            if X.size and (X.min() < 0 or X.max() > 1):
                raise ValueError("loss='binary_crossentropy' needs X in [0, 1]; scale X or use loss='mse'")
        if self.noise == "mask" and self.denoising >= 1:
            raise ValueError(
                f"denoising is a masking probability with noise='mask' and must be < 1, got {self.denoising!r}"
            )
        return X

    def _start(self, X):
        rng = np.random.default_rng(seed_from_random_state(self.random_state))
        self._initialise_state(rng, X.dtype)
        self._transfer_layers()
        self.n_components_ = self._encoder_sizes()[-1]
        self.n_encoder_layers_ = len(self._encoder_sizes())

    def _train(self, train: TrainingSet, validation, until: int):
        corruption = ()
        if self.denoising > 0:
            # The engine reads the inputs from train.X and the targets from
            # train.targets: the corrupted copy (memory: one more X) goes to
            # X, the clean data stays the target. The copy is refilled by a
            # callback at the start of every epoch, before the user's.
            noisy = np.empty_like(train.X)
            self._corruption = Corruption(train.X, noisy, self.noise, float(self.denoising),
                                          resolve_n_jobs(self.n_jobs))
            corruption = (self._corruption,)
            train = TrainingSet(noisy, train.targets, train.weight, train.derived, fresh_inputs=True)
        try:
            self._run_epochs(train, validation, until, extra_callbacks=corruption)
        finally:
            vars(self).pop("_corruption", None)  # run-time state, not part of the model

    def _split(self, X, weight):
        if self.validation_data is not None:
            X_val = validate_data(self, self.validation_data, reset=False, dtype=X.dtype, name="validation_data")
            val_weight = np.ones(X_val.shape[0], dtype=X.dtype)
            return TrainingSet(X, X, weight), TrainingSet(X_val, X_val, val_weight)
        return self._hold_out(TrainingSet(X, X, weight), self._targets())

    # -- the network -------------------------------------------------------------

    def _encoder_sizes(self) -> list[int]:
        return layer_sizes(self.encoder_layer_sizes, "encoder_layer_sizes", allow_empty=False)

    def _decoder_sizes(self) -> list[int]:
        if self.decoder_layer_sizes is None:
            return self._encoder_sizes()[-2::-1]
        return layer_sizes(self.decoder_layer_sizes, "decoder_layer_sizes")

    def _layout_specs(self) -> list[LayerSpec]:
        encoder, decoder = self._encoder_sizes(), self._decoder_sizes()
        n_hidden = len(encoder) + len(decoder)  # every layer but the output
        dropouts = self._dropouts(n_hidden, "hidden layer (the encoder's, the code included, and the decoder's)")
        frozen = self._frozen_set(n_hidden + 1)
        widths = [self.n_features_in_, *encoder, *decoder, self.n_features_in_]
        # The engine fuses the output sigmoid with binary cross-entropy: its
        # last layer stays linear (logits), and decoding applies the sigmoid.
        output = "identity" if self.loss == "binary_crossentropy" else self.output_activation
        specs = []
        for i in range(n_hidden + 1):
            hidden = i < n_hidden
            activation = (
                output if not hidden else self.code_activation if i == len(encoder) - 1 else self.activation
            )
            specs.append(
                LayerSpec(
                    widths[i],
                    widths[i + 1],
                    activation,
                    dropouts[i] if hidden else 0.0,
                    bool(self.batch_norm) and hidden,
                    i not in frozen,
                )
            )
        return specs

    def _parts(self):
        """The encoder and the decoder, as views of the network's arrays."""
        return self.network_.part(0, self.n_encoder_layers_), self.network_.part(self.n_encoder_layers_)

    def _loss_code(self):
        return LOSSES[self.loss]

    def _targets(self):
        return RegressionTargets(self.n_features_in_, False)

    def _epoch_metrics(self, data: TrainingSet, correct: float, weight: float, squared_error: float) -> dict:
        if self.loss == "binary_crossentropy":  # the engine measures no squared error for it
            return {}
        return self._targets().metrics(data, correct, weight, squared_error)

    # -- reading and answering ----------------------------------------------------

    def _read(self, X, width, name="X"):
        """Validated input in the model's dtype, and the float type to answer
        in (the caller's float32/float64, else the model's)."""
        check_is_fitted(self, "params_")
        given = getattr(X, "dtype", None)
        out = given if given in (np.float32, np.float64) else self.params_.dtype
        if name == "X":
            X = validate_data(self, X, reset=False, dtype=self.params_.dtype)
        else:
            X = check_array(X, name=name, dtype=self.params_.dtype, estimator=self)
            if X.shape[1] != width:
                raise ValueError(f"{name} has {X.shape[1]} columns, but the code has {width} (n_components_)")
        return X, np.dtype(out)

    def _decoded(self, outputs):
        if self.loss == "binary_crossentropy":
            return _sigmoid(outputs)
        return outputs


def _sigmoid(z):
    # exp of a non-positive argument only: no overflow for any z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)
