"""Learning-rate schedules: each computes the rate of the epoch about to start.

A schedule only computes the next rate; the training loop writes it into the
optimizer. The loop calls it exactly once per epoch, in order, before the
epoch runs::

    lr = schedule(epoch, base_lr=base_lr, current_lr=lr, logs=previous_logs)

``epoch`` counts from 0, ``base_lr`` is the configured learning rate,
``current_lr`` the rate of the previous epoch (``base_lr`` at epoch 0), and
``logs`` the previous epoch's metrics (see :mod:`zoo.nn.history`; empty at
epoch 0). Schedules whose rate depends on more than the epoch number keep
that state in plain attributes and expose it through ``state_dict`` /
``load_state_dict`` (JSON data), so a checkpoint resumes exactly; their
parameters round-trip through ``to_config`` / :func:`schedule_from_config`.

Examples
--------
>>> schedule = LinearWarmup(2, then=StepDecay(step_size=3, gamma=0.5))
>>> [round(schedule(e, base_lr=0.3, current_lr=0.3, logs={}), 3) for e in range(7)]
[0.1, 0.2, 0.3, 0.3, 0.3, 0.15, 0.15]
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers

import numpy as np

from zoo._registry import register_config_class

from zoo._validation import _short_repr, check_in_range
from zoo.nn._monitor import _check_bool, _Monitor

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "CosineAnnealing",
    "LinearWarmup",
    "ReduceOnPlateau",
    "get_schedule",
    "schedule_from_config",
]

_REGISTRY = {}  # config name -> Schedule subclass


class Schedule:
    """Base class: parameters as attributes, state through ``state_dict``.

    Subclasses set the class attribute ``name`` (the config name, which
    registers them for :func:`schedule_from_config`), store each ``__init__``
    argument under the same attribute name, and implement ``__call__``.
    Stateful ones also override :meth:`state_dict` and
    :meth:`load_state_dict`.
    """

    name = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return
        known = _REGISTRY.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__, cls.__qualname__
        ):
            raise ValueError(
                f"schedule name {name!r} is already used by {known.__qualname__}; "
                f"give {cls.__qualname__} another name."
            )
        _REGISTRY[name] = cls

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        """The learning rate for ``epoch``; see the module docstring."""
        raise NotImplementedError

    # ---------------------------------------------------------- state

    def state_dict(self):
        """The mutable state, as JSON data (empty for stateless schedules)."""
        return {}

    def load_state_dict(self, state):
        """Restore the state returned by :meth:`state_dict`."""
        _check_state_keys(self, state, [])

    def reset(self):
        """Return to the state of a freshly constructed schedule."""
        params = {key: value for key, value in self.to_config().items() if key != "name"}
        self.load_state_dict(type(self).from_config(params).state_dict())

    # ---------------------------------------------------------- config

    @classmethod
    def _param_names(cls):
        if cls.__init__ is object.__init__:
            return []
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]  # skip self
        return [
            p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def to_config(self):
        """``{"name": ..., **parameters}``: JSON data that rebuilds the schedule."""
        return {"name": self.name, **{key: getattr(self, key) for key in self._param_names()}}

    @classmethod
    def from_config(cls, params):
        """Build from the parameters of a config (without ``"name"``)."""
        return cls(**params)

    def __eq__(self, other):
        return (
            type(self) is type(other)
            and self.to_config() == other.to_config()
            and self.state_dict() == other.state_dict()
        )

    __hash__ = None  # mutable state: equal now, maybe not later

    def __repr__(self):
        params = ", ".join(f"{key}={getattr(self, key)!r}" for key in self._param_names())
        return f"{type(self).__name__}({params})"


class Constant(Schedule):
    """The configured rate, every epoch."""

    name = "constant"

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        return float(base_lr)


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``lr(epoch) = base_lr * gamma ** (epoch // step_size)``.

    Parameters
    ----------
    step_size : int >= 1
        Epochs between decays.
    gamma : float in (0, 1], default=0.1
        Factor applied at each decay.
    """

    name = "step"

    def __init__(self, step_size, gamma=0.1):
        self.step_size = int(check_in_range(step_size, name="step_size", low=1, integral=True,
                                            estimator=self))
        self.gamma = _check_factor(self, "gamma", gamma)

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialDecay(Schedule):
    """Multiply the rate by ``gamma`` every epoch: ``base_lr * gamma ** epoch``.

    Parameters
    ----------
    gamma : float in (0, 1]
        Factor applied per epoch.
    """

    name = "exponential"

    def __init__(self, gamma):
        self.gamma = _check_factor(self, "gamma", gamma)

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        return base_lr * self.gamma ** epoch


class CosineAnnealing(Schedule):
    """Cosine decay from ``base_lr`` to ``min_lr``, optionally with restarts.

    Within a cycle of ``T`` epochs, epoch ``t`` of the cycle gets
    ``min_lr + (base_lr - min_lr) * (1 + cos(pi * t / T)) / 2``. Without
    restarts there is one cycle of ``period`` epochs and the rate stays at
    ``min_lr`` from epoch ``period`` on. With restarts the rate jumps back
    to ``base_lr`` after each cycle, and each cycle is ``period_mult`` times
    longer than the one before (SGDR: Loshchilov & Hutter, "SGDR: Stochastic
    Gradient Descent with Warm Restarts", ICLR 2017).

    Parameters
    ----------
    period : int >= 1
        Length of the (first) cycle, in epochs.
    min_lr : float >= 0, default=0.0
        Rate at the bottom of each cycle.
    restarts : bool, default=False
        Start a new cycle after each one ends.
    period_mult : int >= 1, default=1
        Growth factor of the cycle length; only with ``restarts=True``.
    """

    name = "cosine"

    def __init__(self, period, min_lr=0.0, restarts=False, period_mult=1):
        self.period = int(check_in_range(period, name="period", low=1, integral=True,
                                         estimator=self))
        self.min_lr = _check_rate(self, "min_lr", min_lr)
        self.restarts = _check_bool(type(self).__name__, "restarts", restarts)
        self.period_mult = int(check_in_range(period_mult, name="period_mult", low=1,
                                              integral=True, estimator=self))
        if self.period_mult != 1 and not self.restarts:
            raise ValueError(
                f"CosineAnnealing: period_mult={self.period_mult} has no effect without "
                "restarts=True."
            )

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        t, length = epoch, self.period
        if not self.restarts:
            t = min(t, length)
        elif self.period_mult == 1:
            t = t % length
        else:
            # Cycle lengths grow geometrically, so this loop runs O(log epoch) times.
            while t >= length:
                t -= length
                length *= self.period_mult
        return self.min_lr + (base_lr - self.min_lr) * (1 + math.cos(math.pi * t / length)) / 2


class LinearWarmup(Schedule):
    """Ramp the rate up linearly, then hand over to another schedule.

    During the first ``warmup_epochs`` epochs, ``lr(epoch) = base_lr * (s +
    (1 - s) * (epoch + 1) / (warmup_epochs + 1))`` with ``s =
    start_factor``: evenly spaced steps from ``s * base_lr`` towards
    ``base_lr``, reached at epoch ``warmup_epochs``. (Counting ``epoch + 1``
    keeps the first epoch from running at rate 0 when ``s = 0``, which would
    waste it.) From then on the rate is ``then``'s, with the epoch counted
    from the end of warm-up: ``then(epoch - warmup_epochs, ...)``.

    Parameters
    ----------
    warmup_epochs : int >= 1
        Length of the ramp.
    then : Schedule, str or None, default=None
        The schedule after warm-up (anything :func:`get_schedule` accepts);
        None keeps ``base_lr``. A Schedule object is used as is, not copied.
    start_factor : float in [0, 1], default=0.0
        Where the ramp starts, as a fraction of ``base_lr``.
    """

    name = "warmup"

    def __init__(self, warmup_epochs, then=None, start_factor=0.0):
        self.warmup_epochs = int(check_in_range(warmup_epochs, name="warmup_epochs", low=1,
                                                integral=True, estimator=self))
        self.then = then
        self.start_factor = float(check_in_range(start_factor, name="start_factor", low=0,
                                                 high=1, estimator=self))
        self._then = then if isinstance(then, Schedule) else get_schedule(then)

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        if epoch < self.warmup_epochs:
            progress = (epoch + 1) / (self.warmup_epochs + 1)
            return base_lr * (self.start_factor + (1 - self.start_factor) * progress)
        return self._then(epoch - self.warmup_epochs, base_lr=base_lr, current_lr=current_lr,
                          logs=logs)

    def reset(self):
        self._then.reset()

    def state_dict(self):
        return {"then": self._then.state_dict()}

    def load_state_dict(self, state):
        _check_state_keys(self, state, ["then"])
        self._then.load_state_dict(state["then"])

    def to_config(self):
        config = super().to_config()
        config["then"] = self._then.to_config() if self.then is not None else None
        return config

    @classmethod
    def from_config(cls, params):
        params = dict(params)
        if isinstance(params.get("then"), dict):
            params["then"] = schedule_from_config(params["then"])
        return cls(**params)


class ReduceOnPlateau(Schedule):
    """Cut the rate when a monitored metric stops improving.

    Each call reads the previous epoch's ``monitor`` value. A value better
    than the best so far by more than ``min_delta`` (absolute) resets the
    count of bad epochs; otherwise the count grows, and when it reaches
    ``patience`` the rate is multiplied by ``factor`` (never below
    ``min_lr``) and the count restarts. For ``cooldown`` epochs after a cut
    bad epochs are not counted, so the new rate gets a fair trial. The rate
    is ``max(base_lr * scale, min_lr)``, with ``scale`` the product of the
    cuts so far, so it does not depend on ``current_lr`` and composes with
    :class:`LinearWarmup`.

    Parameters
    ----------
    monitor : str, default="val_loss"
        Key of the epoch logs to watch. A missing ``"val_X"`` falls back to
        ``"X"`` (e.g. ``"loss"`` when there is no validation data) with one
        warning per training run.
    factor : float in (0, 1), default=0.1
        Multiplier applied at each cut.
    patience : int >= 1, default=10
        Bad epochs tolerated before a cut.
    min_delta : float >= 0, default=1e-4
        Smallest change that counts as an improvement.
    cooldown : int >= 0, default=0
        Epochs after a cut during which bad epochs are not counted.
    min_lr : float >= 0, default=0.0
        Lower bound of the rate.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher values are better; "auto" says higher for
        accuracy, R² and other scores, lower otherwise.

    Attributes
    ----------
    best : float or None
        Best monitored value so far.
    wait : int
        Bad epochs counted since the last improvement or cut.
    cooldown_left : int
        Epochs of cooldown remaining.
    scale : float
        Product of the cuts so far.
    """

    name = "plateau"

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4,
                 cooldown=0, min_lr=0.0, mode="auto"):
        owner = type(self).__name__
        self._monitor = _Monitor(owner, monitor, mode, min_delta)
        self.monitor = monitor
        self.factor = float(check_in_range(factor, name="factor", low=0, high=1,
                                           closed="neither", estimator=owner))
        self.patience = int(check_in_range(patience, name="patience", low=1, integral=True,
                                           estimator=owner))
        self.min_delta = self._monitor.min_delta
        self.cooldown = int(check_in_range(cooldown, name="cooldown", low=0, integral=True,
                                           estimator=owner))
        self.min_lr = _check_rate(owner, "min_lr", min_lr)
        self.mode = mode
        self.best, self.wait, self.cooldown_left, self.scale = None, 0, 0, 1.0

    def __call__(self, epoch, *, base_lr, current_lr, logs=None):
        _check_epoch(epoch)
        value = self._monitor.read(logs)
        if value is not None:
            self._observe(value, base_lr)
        return max(base_lr * self.scale, self.min_lr)

    def _observe(self, value, base_lr):
        in_cooldown = self.cooldown_left > 0
        if in_cooldown:
            self.cooldown_left -= 1
        if self._monitor.improved(value, self.best):
            self.best, self.wait = value, 0
            return
        if in_cooldown:
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        self.wait = 0
        if base_lr * self.scale > self.min_lr:  # at the floor already: nothing to cut
            self.scale *= self.factor
            self.cooldown_left = self.cooldown

    def reset(self):
        super().reset()
        self._monitor.reset()

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "cooldown_left": self.cooldown_left,
                "scale": self.scale}

    def load_state_dict(self, state):
        _check_state_keys(self, state, ["best", "wait", "cooldown_left", "scale"])
        best = state["best"]
        self.best = None if best is None else float(best)
        self.wait = int(state["wait"])
        self.cooldown_left = int(state["cooldown_left"])
        self.scale = float(state["scale"])


# --------------------------------------------------------------- factories

_DEFAULT_EPOCHS = 100  # what the named schedules assume when not told


def _named(name, total_epochs):
    total = total_epochs or _DEFAULT_EPOCHS
    if name == "constant":
        return Constant()
    if name == "step":
        return StepDecay(step_size=max(1, total // 3), gamma=0.1)
    if name == "exponential":
        return ExponentialDecay(gamma=0.01 ** (1 / total))
    if name == "cosine":
        return CosineAnnealing(period=total)
    if name == "warmup":
        return LinearWarmup(warmup_epochs=max(1, min(5, total // 10)))
    if name == "plateau":
        return ReduceOnPlateau()
    return None


_NAMES = ("constant", "step", "exponential", "cosine", "warmup", "plateau")


def get_schedule(spec, *, total_epochs=None):
    """Turn a schedule specification into a new schedule object.

    ============== ===========================================================
    ``spec``       result (``T`` = ``total_epochs``, 100 when not given)
    ============== ===========================================================
    None           ``Constant()``
    "constant"     ``Constant()``
    "step"         ``StepDecay(step_size=T // 3, gamma=0.1)``: three phases
    "exponential"  ``ExponentialDecay(gamma=0.01 ** (1 / T))``: 1% after T
    "cosine"       ``CosineAnnealing(period=T)``
    "warmup"       ``LinearWarmup(warmup_epochs=min(5, T // 10))`` (>= 1)
    "plateau"      ``ReduceOnPlateau()``
    dict           :func:`schedule_from_config` of it
    Schedule       a copy, reset to its initial state
    ============== ===========================================================

    Parameters
    ----------
    spec : None, str, dict or Schedule
        The schedule.
    total_epochs : int, optional
        Planned number of epochs, used by the named schedules above.

    Returns
    -------
    Schedule
        A new object; ``spec`` is never modified, so one estimator parameter
        can be fitted many times.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones).
    TypeError
        For any other kind of ``spec``.
    """
    if total_epochs is not None:
        total_epochs = int(check_in_range(total_epochs, name="total_epochs", low=1,
                                          integral=True, estimator="get_schedule"))
    if spec is None:
        return Constant()
    if isinstance(spec, Schedule):
        schedule = copy.deepcopy(spec)
        schedule.reset()
        return schedule
    if isinstance(spec, str):
        schedule = _named(spec.strip().lower(), total_epochs)
        if schedule is None:
            raise ValueError(
                f"unknown learning-rate schedule {spec!r}; valid names: {', '.join(_NAMES)}."
            )
        return schedule
    if isinstance(spec, dict):
        return schedule_from_config(spec)
    raise TypeError(
        "a learning-rate schedule must be None, a name, a config dict or a "
        f"zoo.nn.schedules.Schedule; got {_short_repr(spec)}."
    )


def schedule_from_config(config):
    """Rebuild a schedule from :meth:`Schedule.to_config` output.

    Parameters
    ----------
    config : dict
        ``{"name": ..., **parameters}``.

    Returns
    -------
    Schedule
        In its initial state; restore a saved state with ``load_state_dict``.

    Raises
    ------
    ValueError
        If the name is unknown or the parameters do not fit the schedule.
    """
    if not isinstance(config, dict) or not isinstance(config.get("name"), str):
        raise ValueError(
            f"a schedule config must be a dict with a 'name' str; got {_short_repr(config)}."
        )
    params = {key: value for key, value in config.items() if key != "name"}
    cls = _REGISTRY.get(config["name"])
    if cls is None:
        raise ValueError(
            f"unknown schedule {config['name']!r} in config; known: {', '.join(sorted(_REGISTRY))}."
        )
    unknown = sorted(set(params) - set(cls._param_names()))
    if unknown:
        raise ValueError(
            f"{cls.__name__} config has unknown parameters {unknown}; it takes "
            f"{cls._param_names()}."
        )
    return cls.from_config(params)


# ------------------------------------------------------------------ checks


def _check_epoch(epoch):
    if not isinstance(epoch, numbers.Integral) or isinstance(epoch, (bool, np.bool_)) or epoch < 0:
        raise ValueError(f"epoch must be an int >= 0; got {_short_repr(epoch)}.")


def _check_factor(owner, name, value):
    return float(check_in_range(value, name=name, low=0, high=1, closed="right", estimator=owner))


def _check_rate(owner, name, value):
    return float(check_in_range(value, name=name, low=0, high=math.inf, closed="left",
                                estimator=owner))


def _check_state_keys(owner, state, expected):
    if not isinstance(state, dict) or sorted(state) != sorted(expected):
        got = sorted(state) if isinstance(state, dict) else _short_repr(state)
        raise ValueError(
            f"{type(owner).__name__}.load_state_dict expects the keys {sorted(expected)}; "
            f"got {got}."
        )


# Schedule objects given as an estimator parameter are saved by their config.
for _schedule_class in _REGISTRY.values():
    register_config_class(_schedule_class, rebuild=schedule_from_config)
