"""Learning-rate schedules: hand-computed rates, state and config round trips."""

import json
import math
import warnings

import pytest

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


def rates(schedule, n_epochs, base_lr=1.0, losses=None, key="val_loss"):
    """Drive a schedule as the training loop does; losses[e] is epoch e's metric."""
    out, lr = [], base_lr
    for epoch in range(n_epochs):
        logs = {} if epoch == 0 or losses is None else {key: losses[epoch - 1]}
        lr = schedule(epoch, base_lr=base_lr, current_lr=lr, logs=logs)
        out.append(lr)
    return out


def json_round_trip(data):
    return json.loads(json.dumps(data, allow_nan=False))


# ------------------------------------------------------------- exact values


def test_constant_returns_base_rate():
    assert rates(Constant(), 4, base_lr=0.3) == [0.3, 0.3, 0.3, 0.3]


def test_step_decay_halves_every_three_epochs():
    got = rates(StepDecay(step_size=3, gamma=0.5), 8, base_lr=0.8)
    assert got == pytest.approx([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2], rel=1e-12)


def test_exponential_decay():
    got = rates(ExponentialDecay(0.5), 4, base_lr=2.0)
    assert got == pytest.approx([2.0, 1.0, 0.5, 0.25], rel=1e-12)


def test_cosine_without_restarts_reaches_min_and_stays():
    got = rates(CosineAnnealing(4, min_lr=0.1), 7, base_lr=1.1)
    # min_lr + (base - min) * (1 + cos(pi t / 4)) / 2 for t = 0..4, then min_lr.
    expected = [1.1, 0.1 + 0.5 * (1 + math.sqrt(0.5)), 0.6, 0.1 + 0.5 * (1 - math.sqrt(0.5)),
                0.1, 0.1, 0.1]
    assert got == pytest.approx(expected, rel=1e-12)


def test_cosine_restarts_with_fixed_period():
    got = rates(CosineAnnealing(2, restarts=True), 6)
    assert got == pytest.approx([1.0, 0.5, 1.0, 0.5, 1.0, 0.5], rel=1e-12)


def test_cosine_restarts_with_growing_periods():
    # Cycles: epochs 0-1 (length 2), 2-5 (length 4), 6-13 (length 8).
    got = rates(CosineAnnealing(2, restarts=True, period_mult=2), 8)
    expected = [1.0, 0.5,
                1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5, (1 + math.cos(3 * math.pi / 4)) / 2,
                1.0, (1 + math.cos(math.pi / 8)) / 2]
    assert got == pytest.approx(expected, rel=1e-12)


def test_cosine_restart_cycle_far_out():
    # period 1 + 2 + 4 + ... : epoch 2**20 - 1 starts a cycle of length 2**20.
    schedule = CosineAnnealing(1, restarts=True, period_mult=2)
    assert schedule(2**20 - 1, base_lr=1.0, current_lr=1.0) == 1.0
    assert schedule(2**20, base_lr=1.0, current_lr=1.0) < 1.0


# ------------------------------------------------------------- warm-up


def test_warmup_ramps_then_holds_base_rate():
    got = rates(LinearWarmup(3), 5, base_lr=0.4)
    assert got == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4], rel=1e-12)


def test_warmup_start_factor_then_exponential_counted_from_end_of_warmup():
    schedule = LinearWarmup(2, then=ExponentialDecay(0.5), start_factor=0.4)
    got = rates(schedule, 5)
    assert got == pytest.approx([0.4 + 0.6 / 3, 0.4 + 1.2 / 3, 1.0, 0.5, 0.25], rel=1e-12)


def test_warmup_then_cosine():
    got = rates(LinearWarmup(1, then=CosineAnnealing(2)), 5)
    assert got == pytest.approx([0.5, 1.0, 0.5, 0.0, 0.0], abs=1e-12)


def test_warmup_accepts_a_name_for_then():
    schedule = LinearWarmup(1, then="exponential")
    assert isinstance(schedule._then, ExponentialDecay)
    assert schedule.to_config()["then"]["name"] == "exponential"


def test_warmup_then_plateau_only_sees_logs_after_warmup():
    schedule = LinearWarmup(2, then=ReduceOnPlateau(patience=1, factor=0.5, min_delta=0.0))
    # Epoch losses: the plateau reads epoch 1's (1.0) at epoch 2, then 1.0 again: a cut.
    got = rates(schedule, 5, losses=[5.0, 1.0, 1.0, 1.0])
    assert got == pytest.approx([1 / 3, 2 / 3, 1.0, 0.5, 0.25], rel=1e-12)


# ------------------------------------------------------------- plateau

PLATEAU_LOSSES = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0]


def test_plateau_cuts_with_patience_cooldown_and_floor():
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_delta=0.0, cooldown=1, min_lr=0.2)
    got = rates(schedule, 14, losses=PLATEAU_LOSSES)
    # Bad epochs 0.95, 0.92 -> cut at epoch 4; 0.91 falls in the cooldown;
    # 0.93, 0.94 -> cut at 7; 0.95 cooldown; 0.96, 0.97 -> cut at 10 down to
    # the floor 0.2 (0.125 is below it); later plateaus cannot cut further.
    assert got == pytest.approx(
        [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2], rel=1e-12
    )
    assert schedule.best == 0.9
    assert schedule.scale == 0.125


def test_plateau_without_cooldown_counts_every_bad_epoch():
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_delta=0.0)
    got = rates(schedule, 7, losses=[1.0, 1.1, 1.2, 1.3, 1.4, 1.5])
    assert got == pytest.approx([1, 1, 1, 0.5, 0.5, 0.25, 0.25], rel=1e-12)


def test_plateau_improvement_during_cooldown_resets_wait():
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_delta=0.0, cooldown=2)
    rates(schedule, 4, losses=[1.0, 1.0, 1.0])  # cut at epoch 3
    assert (schedule.scale, schedule.cooldown_left) == (0.5, 2)
    schedule(4, base_lr=1.0, current_lr=0.5, logs={"val_loss": 0.5})
    assert (schedule.best, schedule.wait, schedule.cooldown_left) == (0.5, 0, 1)


def test_plateau_min_delta_is_absolute():
    schedule = ReduceOnPlateau(factor=0.5, patience=2, min_delta=0.1)
    got = rates(schedule, 4, losses=[1.0, 0.95, 0.91])  # neither beats 1.0 by 0.1
    assert got == pytest.approx([1, 1, 1, 0.5], rel=1e-12)


def test_plateau_maximises_accuracy_in_auto_mode():
    schedule = ReduceOnPlateau(monitor="val_accuracy", factor=0.5, patience=1, min_delta=0.0)
    got = rates(schedule, 4, losses=[0.5, 0.7, 0.6], key="val_accuracy")
    assert got == pytest.approx([1, 1, 1, 0.5], rel=1e-12)


def test_plateau_nan_is_never_an_improvement():
    schedule = ReduceOnPlateau(factor=0.5, patience=1, min_delta=0.0)
    got = rates(schedule, 3, losses=[1.0, math.nan])
    assert got == pytest.approx([1, 1, 0.5], rel=1e-12)


def test_plateau_falls_back_to_training_loss_and_warns_once():
    schedule = ReduceOnPlateau(factor=0.5, patience=1, min_delta=0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = rates(schedule, 4, losses=[1.0, 1.0, 0.5], key="loss")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "monitoring 'loss'" in messages[0]
    assert got == pytest.approx([1, 1, 0.5, 0.5], rel=1e-12)


def test_plateau_missing_monitor_is_an_error():
    schedule = ReduceOnPlateau(monitor="val_f1")
    with pytest.raises(ValueError, match="val_f1.*'loss'"):
        schedule(1, base_lr=1.0, current_lr=1.0, logs={"loss": 1.0})


# ------------------------------------------------------------- state


@pytest.mark.parametrize("stop_at", [1, 4, 6, 9])
def test_plateau_state_dict_resumes_identically(stop_at):
    params = dict(factor=0.5, patience=2, min_delta=0.0, cooldown=1, min_lr=0.2)
    full = rates(ReduceOnPlateau(**params), 14, losses=PLATEAU_LOSSES)

    first = ReduceOnPlateau(**params)
    head = rates(first, stop_at, losses=PLATEAU_LOSSES)
    saved = json_round_trip(first.state_dict())
    resumed = ReduceOnPlateau(**params)
    resumed.load_state_dict(saved)
    tail, lr = [], head[-1]
    for epoch in range(stop_at, 14):
        logs = {"val_loss": PLATEAU_LOSSES[epoch - 1]}
        lr = resumed(epoch, base_lr=1.0, current_lr=lr, logs=logs)
        tail.append(lr)
    assert head + tail == full


def test_warmup_state_carries_the_inner_schedule():
    def make():
        return LinearWarmup(1, then=ReduceOnPlateau(factor=0.5, patience=1, min_delta=0.0))

    losses = [3.0, 2.0, 2.0, 2.0, 1.0]
    full = rates(make(), 6, losses=losses)
    first = make()
    rates(first, 4, losses=losses)
    resumed = make()
    resumed.load_state_dict(json_round_trip(first.state_dict()))
    tail = [
        resumed(epoch, base_lr=1.0, current_lr=0.0, logs={"val_loss": losses[epoch - 1]})
        for epoch in (4, 5)
    ]
    # Warm-up 0.5; the plateau sees 3 (best), 2 (better), 2 and 2 (cuts), 1.
    assert full == pytest.approx([0.5, 1.0, 1.0, 0.5, 0.25, 0.25], rel=1e-12)
    assert tail == full[4:]


def test_load_state_dict_rejects_wrong_keys():
    with pytest.raises(ValueError, match="best"):
        ReduceOnPlateau().load_state_dict({"wait": 0})
    with pytest.raises(ValueError, match="expects the keys"):
        StepDecay(2).load_state_dict({"x": 1})


def test_reset_restores_initial_state():
    schedule = ReduceOnPlateau(factor=0.5, patience=1, min_delta=0.0)
    rates(schedule, 4, losses=[1.0, 2.0, 3.0])
    assert schedule.scale < 1.0
    schedule.reset()
    assert schedule.state_dict() == ReduceOnPlateau().state_dict()


# ------------------------------------------------------------- config

ALL_SCHEDULES = [
    Constant(),
    StepDecay(4, gamma=0.3),
    ExponentialDecay(0.9),
    CosineAnnealing(5, min_lr=0.01, restarts=True, period_mult=3),
    LinearWarmup(3, then=CosineAnnealing(10), start_factor=0.1),
    LinearWarmup(2),
    ReduceOnPlateau(monitor="loss", factor=0.2, patience=3, min_delta=0.01, cooldown=2,
                    min_lr=1e-4, mode="min"),
]


@pytest.mark.parametrize("schedule", ALL_SCHEDULES, ids=lambda s: type(s).__name__)
def test_config_round_trip(schedule):
    config = json_round_trip(schedule.to_config())
    rebuilt = schedule_from_config(config)
    assert type(rebuilt) is type(schedule)
    assert rebuilt == schedule
    assert rebuilt.to_config() == schedule.to_config()
    losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    assert rates(rebuilt, 8, losses=losses, key="loss") == rates(
        get_schedule(schedule), 8, losses=losses, key="loss"
    )


def test_config_names_its_parameters():
    assert StepDecay(4, gamma=0.3).to_config() == {"name": "step", "step_size": 4, "gamma": 0.3}
    assert LinearWarmup(2).to_config() == {
        "name": "warmup", "warmup_epochs": 2, "then": None, "start_factor": 0.0,
    }


def test_config_errors():
    with pytest.raises(ValueError, match="unknown schedule 'nope'.*cosine"):
        schedule_from_config({"name": "nope"})
    with pytest.raises(ValueError, match=r"unknown parameters \['size'\]"):
        schedule_from_config({"name": "step", "size": 3})
    with pytest.raises(ValueError, match="'name'"):
        schedule_from_config({"step_size": 3})


def test_custom_subclass_registers_by_name():
    class Halving(Schedule):
        name = "test-halving"

        def __init__(self, every=1):
            self.every = every

        def __call__(self, epoch, *, base_lr, current_lr, logs=None):
            return base_lr / 2 ** (epoch // self.every)

    rebuilt = schedule_from_config({"name": "test-halving", "every": 2})
    assert rates(rebuilt, 4) == [1.0, 1.0, 0.5, 0.5]
    with pytest.raises(ValueError, match="already used"):
        type("Clash", (Schedule,), {"name": "step"})


# ------------------------------------------------------------- get_schedule


def test_get_schedule_none_and_names():
    assert get_schedule(None) == Constant()
    assert get_schedule("constant") == Constant()
    assert get_schedule(" Cosine ", total_epochs=30) == CosineAnnealing(30)
    assert get_schedule("step", total_epochs=30) == StepDecay(10, gamma=0.1)
    decay = get_schedule("exponential", total_epochs=50)
    assert decay(50, base_lr=1.0, current_lr=1.0) == pytest.approx(0.01, rel=1e-9)
    assert get_schedule("plateau") == ReduceOnPlateau()
    assert isinstance(get_schedule("warmup"), LinearWarmup)


def test_get_schedule_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="'cosinus'.*constant, step, exponential, cosine"):
        get_schedule("cosinus")


def test_get_schedule_copies_and_resets_objects():
    original = ReduceOnPlateau(factor=0.5, patience=1, min_delta=0.0)
    rates(original, 3, losses=[1.0, 1.0])
    copy = get_schedule(original)
    assert copy is not original
    assert copy.scale == 1.0 and original.scale == 0.5
    assert copy.to_config() == original.to_config()


def test_get_schedule_rejects_other_types():
    with pytest.raises(TypeError, match="got 3"):
        get_schedule(3)
    with pytest.raises(ValueError, match="total_epochs"):
        get_schedule("cosine", total_epochs=0)


# ------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: StepDecay(0), r"StepDecay: step_size .*got 0"),
        (lambda: StepDecay(2.5), r"step_size must be an int"),
        (lambda: StepDecay(2, gamma=0), r"gamma .*\(0, 1\]; got 0"),
        (lambda: ExponentialDecay(1.5), r"ExponentialDecay: gamma .*got 1.5"),
        (lambda: CosineAnnealing(0), r"period .*got 0"),
        (lambda: CosineAnnealing(5, min_lr=-1.0), r"min_lr .*got -1.0"),
        (lambda: CosineAnnealing(5, restarts="yes"), r"restarts must be a bool; got 'yes'"),
        (lambda: CosineAnnealing(5, period_mult=2), r"period_mult=2 .*restarts=True"),
        (lambda: CosineAnnealing(5, restarts=True, period_mult=0), r"period_mult .*got 0"),
        (lambda: LinearWarmup(0), r"warmup_epochs .*got 0"),
        (lambda: LinearWarmup(2, start_factor=1.5), r"start_factor .*got 1.5"),
        (lambda: ReduceOnPlateau(factor=1.0), r"ReduceOnPlateau: factor .*\(0, 1\); got 1.0"),
        (lambda: ReduceOnPlateau(patience=0), r"patience .*got 0"),
        (lambda: ReduceOnPlateau(cooldown=-1), r"cooldown .*got -1"),
        (lambda: ReduceOnPlateau(min_delta=-0.1), r"min_delta .*got -0.1"),
        (lambda: ReduceOnPlateau(mode="up"), r"mode must be one of .*got 'up'"),
        (lambda: ReduceOnPlateau(monitor=""), r"monitor must be a non-empty str"),
    ],
)
def test_invalid_arguments_name_parameter_and_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_warmup_then_must_be_a_schedule_spec():
    with pytest.raises(TypeError, match="got 5"):
        LinearWarmup(2, then=5)


@pytest.mark.parametrize("epoch", [-1, 1.5, True])
def test_epoch_must_be_a_non_negative_int(epoch):
    with pytest.raises(ValueError, match="epoch must be an int >= 0"):
        StepDecay(2)(epoch, base_lr=1.0, current_lr=1.0)


def test_numpy_arguments_are_stored_as_plain_json_numbers():
    np = pytest.importorskip("numpy")
    config = StepDecay(np.int64(3), gamma=np.float32(0.5)).to_config()
    assert json.dumps(config) == '{"name": "step", "step_size": 3, "gamma": 0.5}'
