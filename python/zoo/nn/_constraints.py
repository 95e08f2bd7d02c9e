"""The parameter constraints zoo's network learners share, declared once.

Each estimator spreads the groups it takes into its own
``_parameter_constraints`` and declares beside them only what is its own::

    _parameter_constraints = {**TRAINING_CONSTRAINTS, "loss": [...], ...}

==============================  =============================================
``OPTIMIZER_CONSTRAINTS``       the optimizer that steps a network: every
                                network learner, the RL ones included
``RUN_CONSTRAINTS``             callbacks, verbosity, seed and threads of a
                                fit: MLP, Autoencoder and the RL learners
``TRAINING_CONSTRAINTS``        the epoch loop over a data set (optimizer
                                and schedule, mini-batches, early stopping,
                                callbacks): MLP, Autoencoder, SGDRegressor
                                and SGDClassifier
``HIDDEN_LAYER_CONSTRAINTS``    a stack of dense hidden layers: MLP and the
                                RL learners
``ENGINE_CONSTRAINTS``          how the engine builds, initialises,
                                regularises and transfers a network of
                                LayerSpecs: MLP and Autoencoder
==============================  =============================================

Beside them, ``TRAINING_ALIASES`` and ``ENGINE_ALIASES`` hold the
scikit-learn names of what those parameters do, for the error an unknown
keyword gets (see ``zoo._parameter_names``); a class spreads them into its
``_parameter_aliases`` the same way.
"""

from __future__ import annotations

from numbers import Integral, Real

from zoo._param_validation import Predicate
from zoo.base import Interval, Options
from zoo.nn.callbacks import EarlyStopping
from zoo.nn.init import INITIALIZERS
from zoo.nn.network import ACTIVATIONS
from zoo.nn.schedules import get_schedule

OPTIMIZER_CONSTRAINTS = {
    "optimizer": ["no_validation"],  # checked by zoo.nn.get_optimizer
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
}

# Networks that train on a GPU with device="cuda" (zoo.nn._gpu).
DEVICE_CONSTRAINTS = {"device": [Options({"cpu", "cuda"})]}

RUN_CONSTRAINTS = {
    "callbacks": [None, list],
    "verbose": [Interval(Integral, 0, None, closed="left"), "boolean"],
    "random_state": ["random_state"],
    "n_jobs": [None, Integral],
}

TRAINING_CONSTRAINTS = {
    **OPTIMIZER_CONSTRAINTS,
    "lr_schedule": [Predicate(lambda spec: get_schedule(spec) is not None,
                              "None, a schedule name (constant, step, exponential, cosine, warmup, plateau), "
                              "a config dict from Schedule.to_config() or a zoo.nn.schedules.Schedule")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "epochs": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean", EarlyStopping],
    "validation_split": [Interval(Real, 0, 1, closed="left")],
    "shuffle": ["boolean"],
    "callbacks": RUN_CONSTRAINTS["callbacks"],
    "verbose": RUN_CONSTRAINTS["verbose"],
}

HIDDEN_LAYER_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [Options(set(ACTIVATIONS))],
}

ENGINE_CONSTRAINTS = {
    "activation": HIDDEN_LAYER_CONSTRAINTS["activation"],
    "l1": [Interval(Real, 0, None, closed="left")],
    "l2": [Interval(Real, 0, None, closed="left")],
    "dropout": ["array-like", Interval(Real, 0, 1, closed="left")],
    "batch_norm": ["boolean"],
    "clip_norm": [None, Interval(Real, 0, None, closed="neither")],
    "clip_value": [None, Interval(Real, 0, None, closed="neither")],
    "huber_delta": [Interval(Real, 0, None, closed="neither")],
    "warm_start": ["boolean"],
    "init": [Options(set(INITIALIZERS))],
    "init_from": [None, "no_validation"],
    "init_layers": [None, Interval(Integral, 1, None, closed="left")],
    "frozen_layers": [None, "array-like"],
    "dtype": [Options({"float32", "float64"})],
}


# scikit-learn's MLP and SGD names of the epoch loop's parameters. zoo's
# networks follow Keras' names.
TRAINING_ALIASES = {
    "max_iter": "zoo's networks count passes over the data with epochs=... (they follow Keras' names, "
                "not scikit-learn's MLP's)",
    "n_iter_no_change": "stop when the loss stops improving with "
                        "early_stopping=zoo.nn.EarlyStopping(patience=...) (early_stopping=True waits 5 epochs)",
    "tol": "the smallest improvement that counts is early_stopping=zoo.nn.EarlyStopping(min_delta=...); "
           "without early stopping every one of the epochs=... runs",
    "validation_fraction": "the share of samples held out is validation_split=...",
    "learning_rate_init": "the step size is learning_rate=... (a number)",
    "eta0": "the step size is learning_rate=...",
    "lr": "the step size is learning_rate=...",
    "solver": "the optimizer is optimizer=... (\"adam\", \"sgd\", \"momentum\", \"rmsprop\", \"adagrad\", "
              "\"adamw\" or an object such as zoo.nn.Adam(); there is no \"lbfgs\")",
    "momentum": "momentum belongs to the optimizer: optimizer=zoo.nn.SGD(momentum=..., nesterov=True)",
    "nesterovs_momentum": "Nesterov momentum belongs to the optimizer: "
                          "optimizer=zoo.nn.SGD(momentum=..., nesterov=True)",
    "beta_1": "Adam's settings belong to the optimizer: optimizer=zoo.nn.Adam(beta1=..., beta2=...)",
    "beta_2": "Adam's settings belong to the optimizer: optimizer=zoo.nn.Adam(beta1=..., beta2=...)",
    "power_t": "a decaying learning rate is lr_schedule=... (\"step\", \"exponential\", \"cosine\", "
               "\"warmup\", \"plateau\" or a zoo.nn schedule)",
    "n_epochs": "the passes over the data are epochs=...",
}

# scikit-learn's MLP names of what the network engine's parameters do.
ENGINE_ALIASES = {
    "alpha": "the weight penalty is l2=... (Keras' l2 * sum(W**2), added to each batch's mean loss; "
             "scikit-learn's alpha is l2 = alpha / (2 * batch_size)), and l1=... adds an l1 penalty",
    "epsilon": "Adam's epsilon belongs to the optimizer: optimizer=zoo.nn.Adam(epsilon=...)",
    "max_fun": "zoo has no L-BFGS solver for networks; training runs epochs=... passes",
}
