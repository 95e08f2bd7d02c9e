"""zoo's neural-network core: the Network component every neural learner holds, and the training
machinery around it (optimizers, schedules, callbacks, history)."""
from zoo.nn.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    GradientMonitor,
    LambdaCallback,
    ModelCheckpoint,
    ProgressBar,
    TerminateOnNaN,
)
from zoo.nn._episodes import EpisodeHistory
from zoo.nn.continual import ContinualLearning
from zoo.nn.history import Diagnosis, History
from zoo.nn.lr_finder import LRFinderResult
from zoo.nn.network import LayerSpec, Network, dense_layers
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
    "GradientMonitor",
    "LambdaCallback",
    "ModelCheckpoint",
    "ProgressBar",
    "TerminateOnNaN",
    "ContinualLearning",
    "Diagnosis",
    "EpisodeHistory",
    "History",
    "LRFinderResult",
    "LayerSpec",
    "Network",
    "dense_layers",
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
