"""Training machinery shared by zoo's neural estimators: optimizers, schedules, callbacks, history."""
from zoo.nn.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    ModelCheckpoint,
    ProgressBar,
    TerminateOnNaN,
)
from zoo.nn.history import Diagnosis, History
from zoo.nn.optimizers import SGD, AdaGrad, Adam, AdamW, Optimizer, RMSprop, get_optimizer
from zoo.nn.schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    LinearWarmup,
    ReduceOnPlateau,
    Schedule,
    StepDecay,
    get_schedule,
    schedule_from_config,
)

__all__ = [
    "Callback",
    "CallbackList",
    "CSVLogger",
    "EarlyStopping",
    "LambdaCallback",
    "ModelCheckpoint",
    "ProgressBar",
    "TerminateOnNaN",
    "Diagnosis",
    "History",
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "AdaGrad",
    "get_optimizer",
    "Constant",
    "CosineAnnealing",
    "ExponentialDecay",
    "LinearWarmup",
    "ReduceOnPlateau",
    "Schedule",
    "StepDecay",
    "get_schedule",
    "schedule_from_config",
]
