"""zoo's native environments, registered with gymnasium.

Importing ``zoo.envs`` registers "zoo/<id>" for each gymnasium environment
zoo implements in C++ -- "zoo/CartPole-v1", "zoo/MountainCar-v0",
"zoo/Acrobot-v1", "zoo/FrozenLake-v1", "zoo/FrozenLake8x8-v1", "zoo/Taxi-v4",
"zoo/CliffWalking-v1", "zoo/CliffWalkingSlippery-v1" -- with gymnasium's
options and time limits, so ``gymnasium.make("zoo/CartPole-v1")`` gives
exactly what ``gymnasium.make("CartPole-v1")`` gives, faster.
``make_vec`` steps many copies in one C++ call:

    >>> import zoo.envs
    >>> envs = zoo.envs.make_vec("CartPole-v1", num_envs=1024, seed=0)   # doctest: +SKIP
    >>> obs, info = envs.reset()                                          # doctest: +SKIP
    >>> obs, rewards, terminated, truncated, info = envs.step(actions)    # doctest: +SKIP
"""

from zoo.envs import native
from zoo.envs.native import NativeEnv, is_native, native_env, native_id
from zoo.envs.vector import NativeVectorEnv, make_vec

native.register_all()

__all__ = ["NativeEnv", "NativeVectorEnv", "is_native", "make_vec", "native", "native_env", "native_id"]
