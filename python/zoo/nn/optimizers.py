"""Optimizers: hyperparameters in small objects, state in arrays.

As in PyTorch's torch/optim, an optimizer is its hyperparameters plus
per-parameter state; here the state (moments) is an array of shape
(n_slots, n_params) held by the model beside its parameters, with the step
count, so checkpoints carry it. The update itself runs in C++
(cpp/src/nn/optimizers.cpp) inside the training epoch. The learning rate
comes from the model (`learning_rate` and its schedule), not from here.
"""

from __future__ import annotations

from numbers import Real

from zoo import _core
from zoo._registry import register_config_class


class Optimizer:
    """Base class. Subclasses set `kind` and map their hyperparameters onto
    the engine's OptimizerConfig in `_fill`."""

    kind: "_core.OptimizerKind"
    name: str

    def config(self, learning_rate: float) -> "_core.OptimizerConfig":
        """The engine configuration for one epoch at `learning_rate`."""
        self._check()
        config = _core.OptimizerConfig()
        config.kind = self.kind
        config.learning_rate = float(learning_rate)
        self._fill(config)
        return config

    def n_slots(self) -> int:
        """Moment arrays kept per parameter."""
        return _core.optimizer_slots(self.config(0.0))

    def to_config(self) -> dict:
        return {"name": self.name, **self._hyperparameters()}

    def _hyperparameters(self) -> dict:
        return dict(vars(self))

    def _fill(self, config) -> None:
        raise NotImplementedError

    def _check(self) -> None:
        for key, value in self._hyperparameters().items():
            if isinstance(value, bool):
                continue
            if not isinstance(value, Real) or value < 0:
                raise ValueError(f"{type(self).__name__}: {key} must be a non-negative number, got {value!r}")
        for key in ("beta1", "beta2", "rho", "momentum"):
            value = getattr(self, key, None)
            if value is not None and not value < 1:
                raise ValueError(f"{type(self).__name__}: {key} must be in [0, 1), got {value!r}")

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self._hyperparameters() == other._hyperparameters()


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum
    (Sutskever et al. 2013): v = momentum v + g; p -= lr v."""

    kind = _core.OptimizerKind.sgd
    name = "sgd"

    def __init__(self, momentum=0.0, nesterov=False):
        self.momentum = momentum
        self.nesterov = nesterov

    def _fill(self, config):
        if self.nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0")
        config.beta1 = float(self.momentum)
        config.nesterov = bool(self.nesterov)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moments."""

    kind = _core.OptimizerKind.adam
    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def _fill(self, config):
        config.beta1, config.beta2, config.epsilon = float(self.beta1), float(self.beta2), float(self.epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), on
    weight matrices only."""

    kind = _core.OptimizerKind.adamw
    name = "adamw"

    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.01):
        super().__init__(beta1, beta2, epsilon)
        self.weight_decay = weight_decay

    def _fill(self, config):
        super()._fill(config)
        config.weight_decay = float(self.weight_decay)


class RMSprop(Optimizer):
    """RMSprop (Hinton, Coursera lecture 6e): p -= lr g / (sqrt(s) + eps),
    s a running mean of g^2 with decay rho."""

    kind = _core.OptimizerKind.rmsprop
    name = "rmsprop"

    def __init__(self, rho=0.9, epsilon=1e-8):
        self.rho = rho
        self.epsilon = epsilon

    def _fill(self, config):
        config.beta2, config.epsilon = float(self.rho), float(self.epsilon)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi, Hazan & Singer, 2011): p -= lr g / (sqrt(sum g^2) + eps)."""

    kind = _core.OptimizerKind.adagrad
    name = "adagrad"

    def __init__(self, epsilon=1e-10):
        self.epsilon = epsilon

    def _fill(self, config):
        config.epsilon = float(self.epsilon)


OPTIMIZERS = {cls.name: cls for cls in (SGD, Adam, AdamW, RMSprop, AdaGrad)}


def get_optimizer(spec) -> Optimizer:
    """An optimizer from a name ("sgd", "adam", "adamw", "rmsprop", "adagrad";
    "momentum" is SGD with momentum 0.9) or an Optimizer object."""
    if isinstance(spec, Optimizer):
        return spec
    if spec == "momentum":
        return SGD(momentum=0.9)
    if isinstance(spec, str) and spec in OPTIMIZERS:
        return OPTIMIZERS[spec]()
    raise ValueError(
        f"optimizer must be one of {sorted([*OPTIMIZERS, 'momentum'])} or an Optimizer object, got {spec!r}"
    )


def optimizer_from_config(config: dict) -> Optimizer:
    config = dict(config)
    name = config.pop("name")
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r} in a saved configuration")
    return OPTIMIZERS[name](**config)


# Optimizer objects given as a parameter are saved by their config.
for _optimizer_class in OPTIMIZERS.values():
    register_config_class(_optimizer_class, rebuild=optimizer_from_config)
