"""zoo.nn.Network: a network and all of its state, in one component.

Every neural learner in zoo holds one or more Networks (an MLP one, DQN an
online and a target network, actor-critic an actor and a critic) instead of
re-implementing network plumbing. A Network owns

- its layer stack (`layers`: LayerSpec per dense layer, with activation,
  dropout, batch norm, frozen or not) and the `Layout` that says where each
  layer's pieces sit in the flat arrays;
- the flat NumPy arrays the C++ engine reads and writes in place:
  `params` (per layer W, stored n_out x n_in as PyTorch's Linear, b, and
  gamma, beta with batch norm), `buffers` (batch-norm running mean and
  variance), `optimizer_state` (the optimizer's moments, (n_slots,
  n_params)) and the step count `n_steps`, plus a `grads` scratch array;
- its part of persistence: `to_config()`/`Network.from_config()`, so that
  `network.save(path)` and `zoo.load(path)` round-trip it on its own, and
  an estimator saving its networks saves exactly this.

Operations: `forward(X, training=...)`, `backward(X, grad_output, ...)`
(parameter gradients and, on request, the gradient with respect to the
inputs), `step(optimizer)`, and the whole-epoch `train_epoch` the training
driver calls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral

import numpy as np

from zoo import _core
from zoo._param_validation import INT32_MAX
from zoo._registry import register_config_class
from zoo._threads import resolve_n_jobs
from zoo.nn.init import initial_params

ACTIVATIONS = {
    "identity": _core.Activation.identity,
    "relu": _core.Activation.relu,
    "leaky_relu": _core.Activation.leaky_relu,
    "elu": _core.Activation.elu,
    "gelu": _core.Activation.gelu,
    "tanh": _core.Activation.tanh,
    "sigmoid": _core.Activation.sigmoid,
}
# The engine's losses by name; each estimator accepts those that fit its task.
LOSSES = {
    "mse": _core.Loss.mse,
    "mae": _core.Loss.mae,
    "huber": _core.Loss.huber,
    "binary_crossentropy": _core.Loss.binary_crossentropy,
    "categorical_crossentropy": _core.Loss.categorical_crossentropy,
}
# Default parameter of the activations that take one.
ACTIVATION_PARAMS = {"leaky_relu": 0.01, "elu": 1.0}
_DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class LayerSpec:
    """One dense layer: x W^T + b, then batch norm, activation and dropout.

    `trainable=False` freezes the whole layer; `first_trainable_unit=u`
    freezes only its first u output units (W's first u rows, their biases
    and batch-norm values: zero gradients, no penalty, no update), which is
    how a progressive network keeps its earlier columns (zoo.nn.progressive).
    """

    n_in: int
    n_out: int
    activation: str = "identity"
    dropout: float = 0.0
    batch_norm: bool = False
    trainable: bool = True
    bias: bool = True  # False only for linear models fitted without intercept
    first_trainable_unit: int = 0


@dataclass(frozen=True)
class LayerSlices:
    weight: slice
    bias: slice
    gamma: slice | None
    beta: slice | None
    running: slice | None  # mean then variance


class Layout:
    """Offsets of every layer's pieces in the flat arrays."""

    def __init__(self, specs: list[LayerSpec]):
        if not specs:
            raise ValueError("a network needs at least one layer")
        self.specs = list(specs)
        self.slices: list[LayerSlices] = []
        offset = buffer_offset = 0
        for spec in self.specs:
            weight = slice(offset, offset + spec.n_in * spec.n_out)
            offset = weight.stop
            bias = slice(offset, offset + (spec.n_out if spec.bias else 0))
            offset = bias.stop
            gamma = beta = running = None
            if spec.batch_norm:
                gamma = slice(offset, offset + spec.n_out)
                beta = slice(gamma.stop, gamma.stop + spec.n_out)
                offset = beta.stop
                running = slice(buffer_offset, buffer_offset + 2 * spec.n_out)
                buffer_offset = running.stop
            self.slices.append(LayerSlices(weight, bias, gamma, beta, running))
        self.n_params = offset
        self.n_buffers = buffer_offset

    def network(self) -> "_core.Network":
        """The C++ engine's view of this layout."""
        ints = np.full((len(self.specs), 11), -1, dtype=np.int64)
        reals = np.zeros((len(self.specs), 2))
        for row, (spec, where) in enumerate(zip(self.specs, self.slices)):
            if spec.activation not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {spec.activation!r}")
            ints[row, :7] = [
                spec.n_in,
                spec.n_out,
                int(ACTIVATIONS[spec.activation]),
                int(spec.batch_norm),
                int(spec.trainable),
                where.weight.start,
                where.bias.start if spec.bias else -1,
            ]
            if spec.batch_norm:
                ints[row, 7:10] = [where.gamma.start, where.beta.start, where.running.start]
            ints[row, 10] = spec.first_trainable_unit
            reals[row] = [ACTIVATION_PARAMS.get(spec.activation, 0.0), spec.dropout]
        return _core.Network(ints, reals, self.n_params, self.n_buffers)

    def initial_buffers(self, dtype) -> np.ndarray:
        buffers = np.zeros(self.n_buffers, dtype=dtype)
        for spec, where in zip(self.specs, self.slices):
            if spec.batch_norm:
                buffers[where.running.start + spec.n_out : where.running.stop] = 1.0  # variance
        return buffers

    def same_arrays_as(self, other: "Layout") -> bool:
        """Whether both layouts place every piece at the same offsets (they
        may differ in activation, dropout or which layers train)."""
        shape = lambda s: (s.n_in, s.n_out, s.batch_norm, s.bias)  # noqa: E731
        return [shape(s) for s in self.specs] == [shape(s) for s in other.specs]


def layer_sizes(sizes, name="hidden_layer_sizes", *, allow_empty=True) -> list[int]:
    """A layer-size parameter (one int or a sequence of them) as a list of
    positive ints, or a ValueError naming the parameter."""
    sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
    # The engine counts units in C++ ints.
    if (not sizes and not allow_empty) or any(isinstance(s, bool) or not isinstance(s, Integral) or not 1 <= s <= INT32_MAX
                                              for s in sizes):
        raise ValueError(f"{name} must be {'' if allow_empty else 'one or more '}integers in [1, {INT32_MAX}], "
                         f"got {sizes!r}")
    return [int(s) for s in sizes]


def dense_layers(sizes, activation="relu", *, output_activation="identity", dropout=0.0, batch_norm=False,
                 frozen=()) -> list[LayerSpec]:
    """LayerSpecs of a plain stack: `sizes` = [n_inputs, hidden..., n_outputs];
    dropout (one rate, or one per hidden layer) and batch norm on hidden
    layers; `frozen` lists layer indices (0 = first hidden) that do not train."""
    sizes = [int(s) for s in sizes]
    n_hidden = len(sizes) - 2
    rates = [float(dropout)] * n_hidden if np.ndim(dropout) == 0 else [float(r) for r in dropout]
    return [
        LayerSpec(
            n_in,
            n_out,
            activation if i < n_hidden else output_activation,
            rates[i] if i < n_hidden else 0.0,
            bool(batch_norm) and i < n_hidden,
            i not in frozen,
        )
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]


class Network:
    """A fully connected network and its state arrays.

    Parameters
    ----------
    layers : list of LayerSpec
        The layer stack, input first (see `dense_layers` for a plain one).
    dtype : {"float32", "float64"}, default="float32"

    Attributes
    ----------
    params, buffers, optimizer_state : ndarray
        The flat trainable values, batch-norm running statistics, and the
        optimizer's moments ((0, n_params) until an optimizer is attached).
    grads : ndarray
        Scratch for gradients (filled by `backward` and the epoch loop; not saved).
    n_steps : int
        Optimizer steps taken (Adam's bias correction counts them).
    device : {"cpu", "cuda"}
        Where `train_epoch` runs ("cuda": zoo.nn._gpu); an estimator sets it
        from its `device` for the length of its epoch loop. Not saved.

    Examples
    --------
    >>> net = Network(dense_layers([4, 16, 2], "tanh")).initialize("glorot_uniform", 0)
    >>> out = net.forward(np.ones((3, 4), np.float32))
    >>> grad_x = net.backward(np.ones((3, 4), np.float32), np.ones_like(out), input_gradient=True)
    """

    # What a failed fit need not put back (zoo._transaction): every training
    # step overwrites the gradients before reading them.
    _scratch = ("_grads",)

    def __init__(self, layers, *, dtype="float32"):
        if str(np.dtype(dtype)) not in _DTYPES:
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        self._set_layout(Layout(layers))
        self.dtype = np.dtype(dtype)
        self.params = np.zeros(self.layout.n_params, dtype=self.dtype)
        self.buffers = self.layout.initial_buffers(self.dtype)
        self.optimizer_state = np.zeros((0, self.layout.n_params), dtype=self.dtype)
        self.n_steps = 0
        self._grads = None
        # Where train_epoch runs: "cpu", or "cuda" (zoo.nn._gpu) while an
        # estimator's epoch loop says so; not saved.
        self.device = "cpu"

    def _set_layout(self, layout: Layout) -> None:
        self.layout = layout
        self.core = layout.network()  # the C++ view; rebuilt, never saved

    # -- shape ------------------------------------------------------------

    @property
    def layers(self) -> list[LayerSpec]:
        return list(self.layout.specs)

    @property
    def n_inputs(self) -> int:
        return self.layout.specs[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layout.specs[-1].n_out

    @property
    def n_params(self) -> int:
        return self.layout.n_params

    def set_layers(self, layers) -> None:
        """Change what the arrays need not know (activations, dropout, which
        layers train) while keeping the state; a change of shape is an error."""
        layout = Layout(layers)
        if not layout.same_arrays_as(self.layout):
            raise ValueError(
                "the layer sizes changed since the network was built; a continued fit (warm_start, resume, "
                "partial_fit) needs the same layers. Fit a fresh model (a clone) to change them."
            )
        if layout.specs != self.layout.specs:
            self._set_layout(layout)

    # -- state ------------------------------------------------------------

    def initialize(self, init="glorot_uniform", random_state=None, *, output_gains=None) -> "Network":
        """Draw fresh parameters (zoo.nn.init) and reset the running
        statistics, optimizer moments and step count; returns self."""
        rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
        self.params = initial_params(self.layout, init, rng, self.dtype, output_gains)
        self.buffers = self.layout.initial_buffers(self.dtype)
        self.optimizer_state = np.zeros((self.optimizer_state.shape[0], self.n_params), dtype=self.dtype)
        self.n_steps = 0
        return self

    def attach_optimizer(self, optimizer) -> None:
        """Fresh moments for `optimizer` (a zoo.nn optimizer or its name)
        unless the current ones already have its shape."""
        from zoo.nn.optimizers import get_optimizer  # noqa: PLC0415  (optimizers import nothing from here)

        slots = get_optimizer(optimizer).n_slots()
        if self.optimizer_state.shape != (slots, self.n_params):
            self.optimizer_state = np.zeros((slots, self.n_params), dtype=self.dtype)

    @property
    def grads(self) -> np.ndarray:
        if self._grads is None or self._grads.shape != self.params.shape or self._grads.dtype != self.dtype:
            self._grads = np.zeros_like(self.params)
        return self._grads

    def weights(self) -> list[np.ndarray]:
        """Per-layer weight matrices (n_in, n_out), as views into `params`
        (which stores each one transposed, n_out x n_in)."""
        return [self.params[w.weight].reshape(s.n_out, s.n_in).T for s, w in zip(self.layout.specs, self.layout.slices)]

    def biases(self) -> list[np.ndarray]:
        return [self.params[w.bias] for w in self.layout.slices]

    def part(self, start: int, stop: int | None = None) -> "Network":
        """Layers [start, stop) as a Network whose arrays are views of this
        one's (zero-copy: the layout puts layer after layer), e.g. an
        autoencoder's encoder and decoder. It has no optimizer state."""
        specs = self.layout.specs
        stop = len(specs) if stop is None else stop
        if not 0 <= start < stop <= len(specs):
            raise ValueError(f"layers [{start}, {stop}) are not a part of a {len(specs)}-layer network")
        before, upto = Layout(specs[:start]) if start else None, Layout(specs[:stop])
        p0, b0 = (before.n_params, before.n_buffers) if before else (0, 0)
        part = Network.__new__(Network)
        part._set_layout(Layout(specs[start:stop]))
        part.dtype = self.dtype
        part.params = self.params[p0:upto.n_params]
        part.buffers = self.buffers[b0:upto.n_buffers]
        part.optimizer_state = np.zeros((0, part.layout.n_params), dtype=self.dtype)
        part.n_steps = 0
        part._grads = None
        return part

    def copy_layers_from(self, other: "Network", count: int | None = None) -> None:
        """Transfer learning: copy the first `count` layers (all that both
        have by default) of `other`, which must match them in shape."""
        mine, theirs = self.layout, other.layout
        available = min(len(mine.specs), len(theirs.specs))
        count = available if count is None else int(count)
        if count > available:
            raise ValueError(f"init_layers={count} but the networks have {len(mine.specs)} and {len(theirs.specs)} layers")
        for i in range(count):
            a, b = mine.specs[i], theirs.specs[i]
            if (a.n_in, a.n_out, a.batch_norm) != (b.n_in, b.n_out, b.batch_norm):
                raise ValueError(
                    f"layer {i} differs: {a.n_in}x{a.n_out} here, {b.n_in}x{b.n_out} in init_from; "
                    "set init_layers to the layers that match"
                )
            for piece in ("weight", "bias", "gamma", "beta"):
                target, origin = getattr(mine.slices[i], piece), getattr(theirs.slices[i], piece)
                if target is not None:
                    self.params[target] = other.params[origin]
            if a.batch_norm:
                self.buffers[mine.slices[i].running] = other.buffers[theirs.slices[i].running]

    # -- computing ----------------------------------------------------------

    def _pass_config(self, training: bool, seed: int, n_jobs) -> "_core.PassConfig":
        config = _core.PassConfig()
        config.training = bool(training)
        config.seed = int(seed) % 2**64
        config.n_threads = resolve_n_jobs(n_jobs)
        return config

    def _rows(self, X, name="X") -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"{name} must have shape (n_samples, {self.n_inputs}), got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError(f"{name} has no rows")
        return X

    def forward(self, X, *, training=False, seed=0, n_jobs=None) -> np.ndarray:
        """Outputs (logits or values), (n_samples, n_outputs).

        Inference (the default) uses the batch-norm running statistics and
        no dropout. `training=True` treats X as one batch: batch statistics
        (folded into the running ones, as a PyTorch module in train mode
        does) and dropout masks drawn from `seed`.
        """
        X = self._rows(X)
        config = self._pass_config(training, seed, n_jobs)
        return _core.nn_forward(self.core, X, self.params, self.buffers, config, update_statistics=bool(training))

    def backward(self, X, grad_output, *, training=True, seed=0, input_gradient=False, n_jobs=None):
        """The chain rule through the network for a loss computed outside it.

        Fills `grads` with d L / d params, where `grad_output` is
        d L / d outputs (n_samples, n_outputs) for the forward pass with the
        same `training` and `seed` (the same dropout masks); frozen layers
        get zeros. Returns d L / d X (n_samples, n_inputs) when
        `input_gradient`, else None. Running statistics are not changed.
        """
        X = self._rows(X)
        grad_output = np.ascontiguousarray(grad_output, dtype=self.dtype)
        if grad_output.shape != (X.shape[0], self.n_outputs):
            raise ValueError(f"grad_output must have shape ({X.shape[0]}, {self.n_outputs}), got {grad_output.shape}")
        config = self._pass_config(training, seed, n_jobs)
        return _core.nn_backward(self.core, X, grad_output, self.params, self.buffers, self.grads,
                                 bool(input_gradient), config)

    def step(self, optimizer="adam", *, learning_rate=1e-3) -> None:
        """One optimizer update from `grads` (after `backward`)."""
        from zoo.nn.optimizers import get_optimizer  # noqa: PLC0415

        optimizer = get_optimizer(optimizer)
        self.attach_optimizer(optimizer)
        _core.nn_optimizer_step(self.core, self.params, self.grads, self.optimizer_state, int(self.n_steps),
                                optimizer.config(float(learning_rate)))
        self.n_steps += 1

    def train_epoch(self, data, config, anchor: dict | None = None):
        """One epoch of the engine's own loop over `data` (a TrainingSet):
        shuffle, mini-batches, loss, backward, penalties, clipping, update.
        Returns (loss, weighted correct, total weight, weighted squared error)."""
        if getattr(self, "device", "cpu") == "cuda":  # (a network unpickled from before devices has none)
            if anchor:
                raise ValueError("device='cuda' does not train with elastic weight consolidation yet; use device='cpu'")
            from zoo.nn._gpu import train_epoch_on_gpu  # noqa: PLC0415 - only with a GPU

            loss, correct, weight, squared_error, steps = train_epoch_on_gpu(self, data, config)
        else:
            loss, correct, weight, squared_error, steps = _core.nn_train_epoch(
                self.core, data.X, data.targets, data.weight, self.params, self.grads, self.optimizer_state,
                int(self.n_steps), self.buffers, config, **(anchor or {}))
        self.n_steps += int(steps)
        return loss, correct, weight, squared_error

    def evaluate(self, data, config, anchor: dict | None = None):
        """Inference-mode (loss, weighted correct, total weight, weighted squared error)."""
        return _core.nn_evaluate(self.core, data.X, data.targets, data.weight, self.params, self.buffers, config,
                                 **(anchor or {}))

    def predict(self, X, n_threads: int) -> np.ndarray:
        """Inference outputs of validated rows (the estimators' fast path)."""
        return _core.nn_predict(self.core, X, self.params, self.buffers, n_threads)

    def kernel_state(self, *, learning=True) -> "_core.NetworkState":
        """The bound view of this network's arrays that the RL kernels take
        (zero-copy). A learning view holds the gradients, the optimizer
        moments and the step count, which the kernel advances: copy it back
        with `n_steps = view.step` after the call. An acting view holds
        only the parameters and buffers."""
        if learning:
            return _core.NetworkState(self.core, self.params, self.grads, self.optimizer_state, self.buffers,
                                      step=int(self.n_steps))
        return _core.NetworkState(self.core, self.params, buffers=self.buffers)

    # -- persistence ----------------------------------------------------------

    def to_config(self) -> dict:
        return {
            "layers": [asdict(spec) for spec in self.layout.specs],
            "dtype": str(self.dtype),
            "params": self.params,
            "buffers": self.buffers,
            "optimizer_state": self.optimizer_state,
            "n_steps": int(self.n_steps),
        }

    @classmethod
    def from_config(cls, config: dict) -> "Network":
        """Rebuild a saved network, checking every array against its layers."""
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise ValueError("a saved network needs its list of layers")
        try:
            layers = [LayerSpec(**spec) for spec in config["layers"]]
        except TypeError as exc:
            raise ValueError(f"a saved network has a malformed layer: {exc}") from exc
        network = cls(layers, dtype=config.get("dtype", "float32"))
        expected = {
            "params": (network.n_params,),
            "buffers": (network.layout.n_buffers,),
        }
        for name, shape in expected.items():
            array = np.asarray(config.get(name))
            if array.shape != shape or array.dtype != network.dtype:
                raise ValueError(f"a saved network's {name} has shape {array.shape} and dtype {array.dtype}; "
                                 f"its layers need {shape} of {network.dtype}")
            setattr(network, name, np.array(array))
        moments = np.asarray(config.get("optimizer_state"))
        if moments.ndim != 2 or moments.shape[1] != network.n_params or moments.shape[0] > 2 \
                or moments.dtype != network.dtype:
            raise ValueError(f"a saved network's optimizer_state has shape {moments.shape}; "
                             f"its layers need (n_slots <= 2, {network.n_params})")
        network.optimizer_state = np.array(moments)
        steps = config.get("n_steps", 0)
        if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 0:
            raise ValueError(f"a saved network's n_steps must be a non-negative integer, got {steps!r}")
        network.n_steps = int(steps)
        return network

    def save(self, path):
        """Save to `path` (NumPy .npz with JSON, no pickle); `zoo.load` reads it back."""
        from zoo.persistence import save  # noqa: PLC0415  (persistence imports every registered class)

        return save(self, path)

    def __getstate__(self):
        state = dict(vars(self))
        state.pop("core")  # the C++ view is rebuilt from the layout
        state["_grads"] = None
        return state

    def __setstate__(self, state):
        vars(self).update(state)
        self._set_layout(self.layout)

    def __repr__(self):
        sizes = " -> ".join([str(self.n_inputs), *(f"{s.n_out} {s.activation}" for s in self.layout.specs)])
        return f"Network({sizes}, {self.n_params} params, {self.dtype})"


register_config_class(Network)
