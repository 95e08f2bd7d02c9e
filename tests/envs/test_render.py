"""zoo's classic-control environments render the frames gymnasium renders."""

import warnings

import gymnasium as gym
import numpy as np
import pytest

from zoo.envs.classic_control import CartPoleEnv

pytest.importorskip("pygame", reason="rendering needs pygame")

IDS = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1"]


@pytest.mark.parametrize("env_id", IDS)
def test_frames_equal_gymnasiums(env_id):
    ours = gym.make("zoo/" + env_id, render_mode="rgb_array")
    theirs = gym.make(env_id, render_mode="rgb_array")
    ours.reset(seed=4)
    theirs.reset(seed=4)
    rng = np.random.default_rng(0)
    for step in range(60):
        frame = ours.render()
        assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
        np.testing.assert_array_equal(frame, theirs.render(), err_msg=f"step {step}")
        action = int(rng.integers(theirs.action_space.n))
        _, _, terminated, truncated, _ = ours.step(action)
        theirs.step(action)
        if terminated or truncated:
            ours.reset(seed=step)
            theirs.reset(seed=step)
    ours.close()
    theirs.close()


def test_frames_follow_written_attributes():
    # The drawing reads the pole's length and the track's width, as gymnasium's does.
    ours, theirs = CartPoleEnv(render_mode="rgb_array"), gym.make("CartPole-v1", render_mode="rgb_array").unwrapped
    for env in (ours, theirs):
        env.length, env.x_threshold = 1.2, 1.0
        env.reset(seed=1)
    np.testing.assert_array_equal(ours.render(), theirs.render())
    default = CartPoleEnv(render_mode="rgb_array")
    default.reset(seed=1)
    assert not np.array_equal(ours.render(), default.render())  # the longer pole shows


def test_render_without_a_mode_warns_and_before_reset_gives_none():
    with pytest.warns(UserWarning, match="render_mode"):
        assert CartPoleEnv().render() is None
    assert CartPoleEnv(render_mode="rgb_array").render() is None


def test_record_video(tmp_path):
    pytest.importorskip("moviepy", reason="RecordVideo needs moviepy")
    env = gym.wrappers.RecordVideo(
        gym.make("zoo/CartPole-v1", render_mode="rgb_array"), str(tmp_path), episode_trigger=lambda e: True,
        disable_logger=True,
    )
    env.reset(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(40):
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                break
    env.close()
    videos = list(tmp_path.glob("*.mp4"))
    assert len(videos) == 1 and videos[0].stat().st_size > 1000
