"""The one training driver: what happens around every round of training.

A round is an epoch for the networks (MLP, Autoencoder, SGDRegressor,
SGDClassifier) and a chunk of environment steps for the reinforcement
learners. The learner supplies `run_round(index, previous_logs) -> logs`,
which does the round's work in C++ (with the GIL released); the driver does
the rest, the same way for every learner:

- callbacks (`on_train_begin`, `on_epoch_begin`, `on_epoch_end`, which may
  stop training, and `on_train_end`, run even when training fails), with a
  progress bar when `verbose`;
- timing (`epoch_time` in the logs) and the `History` record;
- Ctrl-C: the first press asks to stop, the round in progress finishes its
  bookkeeping, and the model is left whole and usable, with
  `interrupted_ = True` and a warning; a second press raises
  KeyboardInterrupt as soon as Python regains control, and `fit`, like any
  fit that raises, leaves the model it started from (zoo._transaction).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import warnings

from zoo.nn.callbacks import CallbackList, ProgressBar


@contextlib.contextmanager
def ctrl_c_deferred():
    """While training, Ctrl-C only asks to stop (see the module docstring).
    Only the main thread can own signal handlers; elsewhere Ctrl-C behaves
    as usual."""
    request = {"stop": False}
    if threading.current_thread() is not threading.main_thread():
        yield request
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if request["stop"]:
            raise KeyboardInterrupt
        request["stop"] = True

    signal.signal(signal.SIGINT, handler)
    try:
        yield request
    finally:
        # None: the previous handler was not set from Python; Python's own is the safe default.
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def callback_list(model, callbacks, total_rounds: int, *extra) -> CallbackList:
    """The progress bar when the model is verbose, then `extra` (built-in
    callbacks such as early stopping), then the user's callbacks."""
    built = [ProgressBar(total_epochs=total_rounds)] if model.verbose else []
    return CallbackList([*built, *extra, *(callbacks or [])])


def run_rounds(model, rounds: range, run_round, callbacks: CallbackList, *, logs=None, resume_hint: str,
               begin_logs=None) -> None:
    """Run `run_round` for each index in `rounds` under the callbacks, timing
    each round and recording its logs in `model.history_`.

    `logs` are the previous round's logs (a continued run hands them to the
    first round: ReduceOnPlateau reads them). `resume_hint` completes the
    Ctrl-C warning: how to continue the interrupted training. `begin_logs`
    add to what `on_train_begin` receives (a reinforcement learner's
    `total_timesteps` and `initial_timesteps`, which the progress bar counts).
    """
    logs = dict(logs or {})
    callbacks.on_train_begin(model, {"total_epochs": rounds.stop, "initial_epoch": rounds.start,
                                     **(begin_logs or {})})
    model.interrupted_ = False
    with contextlib.ExitStack() as cleanup:
        # Callbacks close their files and bars even when training fails.
        cleanup.callback(lambda: callbacks.on_train_end(model, logs))
        ctrl_c = cleanup.enter_context(ctrl_c_deferred())
        for index in rounds:
            callbacks.on_epoch_begin(model, index, logs)
            started = time.perf_counter()
            logs = run_round(index, logs)
            logs["epoch_time"] = time.perf_counter() - started
            model.history_.append(logs)
            if callbacks.on_epoch_end(model, index, logs):
                break
            if ctrl_c["stop"]:
                model.interrupted_ = True
                warnings.warn(f"training interrupted (Ctrl-C) after round {index + 1} of {rounds.stop}; the model "
                              f"keeps the state of that round and {resume_hint}", RuntimeWarning, stacklevel=4)
                break
