"""A GAN discriminator as the C++ epoch takes it (cpp/include/zoo/gan.hpp).

The discriminator is three zoo.nn Networks: `body` (its hidden layers), an
optional `projection` (mini-batch discrimination's tensor T: a dense layer
without bias from the body's features to n_kernels x kernel_dim values) and
`head` (one layer from the body's features and the batch features to one
logit), plus, with spectral normalisation, one estimate u of each layer's
top left singular vector. Batch features sit between body and head, so the
pieces cannot be one Network; this component keeps them together for the
kernels, for persistence and for `forward`.
"""

from __future__ import annotations

import numpy as np

from zoo import _core
from zoo._registry import register_config_class
from zoo.nn.network import LayerSpec, Network, dense_layers

# How many values each batch feature adds to the head's input.
BATCH_FEATURES = ("none", "minibatch_std", "minibatch_discrimination")


class GANDiscriminator:
    """The discriminator's networks and spectral estimates.

    Parameters
    ----------
    n_inputs : int
        Features plus condition columns.
    hidden : list of int
        The body's layer widths (at least one).
    activation : str
    feature : {"none", "minibatch_std", "minibatch_discrimination"}
    n_kernels, kernel_dim : int
        Mini-batch discrimination's B kernels of C values each.
    spectral_norm : bool
    dtype : {"float32", "float64"}
    """

    def __init__(self, n_inputs, hidden, activation, *, feature="none", n_kernels=0, kernel_dim=5,
                 spectral_norm=False, dtype="float32"):
        self.feature = feature
        self.kernel_dim = int(kernel_dim)
        self.body = Network(dense_layers([n_inputs, *hidden], activation, output_activation=activation), dtype=dtype)
        width = hidden[-1]
        self.projection = None
        extra = 0
        if feature == "minibatch_std":
            extra = 1
        elif feature == "minibatch_discrimination":
            self.projection = Network([LayerSpec(width, n_kernels * self.kernel_dim, bias=False)], dtype=dtype)
            extra = n_kernels
        self.head = Network([LayerSpec(width + extra, 1)], dtype=dtype)
        self.spectral_u = (np.zeros(sum(s.n_out for s in self.normalised_layers()), dtype=dtype)
                           if spectral_norm else None)

    @property
    def networks(self) -> list[Network]:
        return [net for net in (self.body, self.projection, self.head) if net is not None]

    @property
    def n_params(self) -> int:
        return sum(net.n_params for net in self.networks)

    def normalised_layers(self) -> list[LayerSpec]:
        """The layers spectral normalisation divides by sigma: body and head."""
        return [*self.body.layers, *self.head.layers]

    def initialize(self, init, rng: np.random.Generator) -> "GANDiscriminator":
        for net in self.networks:
            net.initialize(init, rng)
        if self.spectral_u is not None:  # random unit vectors, as power iteration starts
            start = 0
            for spec in self.normalised_layers():
                u = rng.normal(size=spec.n_out)
                self.spectral_u[start:start + spec.n_out] = u / np.linalg.norm(u)
                start += spec.n_out
        return self

    def attach_optimizer(self, optimizer) -> None:
        for net in self.networks:
            net.attach_optimizer(optimizer)

    def kernel_states(self, *, learning=True) -> tuple:
        """(body, projection or None, head, spectral_u) as the GAN kernels take them."""
        body, head = self.body.kernel_state(learning=learning), self.head.kernel_state(learning=learning)
        projection = self.projection.kernel_state(learning=learning) if self.projection is not None else None
        return body, projection, head, self.spectral_u

    def store_steps(self, body, projection, head) -> None:
        """Copy the step counts a kernel advanced back from its views."""
        self.body.n_steps, self.head.n_steps = int(body.step), int(head.step)
        if projection is not None:
            self.projection.n_steps = int(projection.step)

    def feature_code(self):
        return getattr(_core.BatchFeature, self.feature)

    # -- persistence ------------------------------------------------------------

    def to_config(self) -> dict:
        return {
            "feature": self.feature,
            "kernel_dim": self.kernel_dim,
            "body": self.body.to_config(),
            "projection": None if self.projection is None else self.projection.to_config(),
            "head": self.head.to_config(),
            "spectral_u": self.spectral_u,
        }

    @classmethod
    def from_config(cls, config: dict) -> "GANDiscriminator":
        if not isinstance(config, dict) or config.get("feature") not in BATCH_FEATURES:
            raise ValueError("a saved GAN discriminator needs its batch feature, one of " + ", ".join(BATCH_FEATURES))
        discriminator = cls.__new__(cls)
        discriminator.feature = config["feature"]
        discriminator.kernel_dim = int(config.get("kernel_dim", 5))
        discriminator.body = Network.from_config(config.get("body"))
        discriminator.head = Network.from_config(config.get("head"))
        projection = config.get("projection")
        discriminator.projection = None if projection is None else Network.from_config(projection)
        if (discriminator.projection is not None) != (discriminator.feature == "minibatch_discrimination"):
            raise ValueError("a saved GAN discriminator has a projection exactly when it uses mini-batch "
                             "discrimination")
        u = config.get("spectral_u")
        if u is not None:
            u = np.array(u)
            expected = sum(s.n_out for s in discriminator.normalised_layers())
            if u.shape != (expected,) or u.dtype != discriminator.body.dtype:
                raise ValueError(f"a saved GAN discriminator's spectral_u has shape {u.shape}; its layers need "
                                 f"({expected},) of {discriminator.body.dtype}")
        discriminator.spectral_u = u
        return discriminator

    def __repr__(self):
        return (f"GANDiscriminator(body={self.body!r}, feature={self.feature!r}, "
                f"spectral_norm={self.spectral_u is not None})")


register_config_class(GANDiscriminator)
