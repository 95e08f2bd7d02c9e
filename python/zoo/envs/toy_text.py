"""gymnasium's toy-text environments on zoo's C++ kernels.

FrozenLakeEnv, TaxiEnv and CliffWalkingEnv take gymnasium's constructor
arguments and, for the same seeds and actions, return exactly what
gymnasium 1.4's FrozenLake-v1, Taxi-v4 and CliffWalking-v1 return:
observations, rewards, terminations and the info dicts, because the kernels
make the same draws from the same NumPy generator (PCG64 seeded through
SeedSequence) in the same order.

As everywhere in zoo, the changing state -- the generator and the position --
is a NumPy record (``env.state_record``) that the kernel reads and writes;
the Python object holds only configuration. ``env.unwrapped.np_random`` is a
snapshot of the record's generator, and assigning a Generator to it reseeds
the record, so gymnasium's seeding conventions carry over unchanged.
"""

from __future__ import annotations

import functools
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils import colorize

from zoo import _core
from zoo.envs import native

__all__ = ["MAPS", "CliffWalkingEnv", "FrozenLakeEnv", "TaxiEnv", "generate_random_map"]

MAPS: dict[str, list[str]] = {
    "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
    "8x8": [
        "SFFFFFFF",
        "FFFFFFFF",
        "FFFHFFFF",
        "FFFFFHFF",
        "FFFHFFFF",
        "FHHFFFHF",
        "FHFFHFHF",
        "FFFHFFFG",
    ],
}

# The position follows the record's five-word generator (see zoo.envs.native).
_POSITION_WORD = native.RNG_WORDS


class _ToyTextEnv(gym.Env):
    """A Discrete-observation environment whose state is a record for a C++ kernel."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, render_mode: str | None) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be None or one of {self.metadata['render_modes']}, got {render_mode!r} "
                "(zoo's toy-text environments render as text only)"
            )
        self.render_mode = render_mode
        self._attach_kernel()
        self.state_record = native.new_state(self._kernel)
        self.observation_space = spaces.Discrete(self._kernel.n_states)
        self.action_space = spaces.Discrete(self._kernel.n_actions)
        self.lastaction: int | None = None
        self._has_reset = False

    # -- subclass hooks -------------------------------------------------------
    def _make_kernel(self):
        raise NotImplementedError

    def _reset_info(self, s: int) -> dict[str, Any]:
        return {"prob": 1}

    def _step_info(self, s: int, probability: float) -> dict[str, Any]:
        return {"prob": probability}

    def _attach_kernel(self) -> None:
        self._kernel = self._make_kernel()
        self._observation = np.zeros(1, dtype=np.float32)

    # -- gymnasium API ----------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            _core.env_seed(self.state_record, native.seed_words(native.checked_seed(seed)))
            self._np_random_seed = seed
        elif not native.is_seeded(self.state_record):
            # Never seeded: fresh OS entropy, as gymnasium's seeding.np_random(None).
            entropy = native.fresh_entropy()
            _core.env_seed(self.state_record, native.seed_words(entropy))
            self._np_random_seed = entropy
        _core.env_reset(self._kernel, self.state_record, self._observation)
        self.lastaction = None
        self._has_reset = True
        s = int(self._observation[0])
        return s, self._reset_info(s)

    def step(self, action):
        a = native.action_index(action, self._kernel.n_actions)
        if not self._has_reset:
            raise gym.error.ResetNeeded("Cannot call env.step() before calling env.reset()")
        reward, terminated, probability = _core.env_step(self._kernel, self.state_record, a, self._observation)
        self.lastaction = a
        s = int(self._observation[0])
        # The time limit is gymnasium's TimeLimit wrapper's business, as in gymnasium.
        return s, reward, terminated, False, self._step_info(s, probability)

    def render(self):
        if self.render_mode is None:
            assert self.spec is not None
            gym.logger.warn(
                "You are calling render method without specifying any render mode. "
                "You can specify the render_mode at initialization, "
                f'e.g. gym.make("{self.spec.id}", render_mode="ansi")'
            )
            return None
        return self._render_text()

    def _render_text(self) -> str:
        raise NotImplementedError

    # -- the generator, seen through gymnasium's attributes ----------------------
    @property
    def _np_random(self) -> np.random.Generator | None:
        # A snapshot: drawing from it leaves the environment's generator as it was.
        return native.generator_of(self.state_record) if native.is_seeded(self.state_record) else None

    @_np_random.setter
    def _np_random(self, generator: np.random.Generator | None) -> None:
        if generator is None:
            self.state_record[: native.RNG_WORDS] = 0
        else:
            native.store_generator(self.state_record, generator)

    # -- the position, as gymnasium's `s` ---------------------------------------
    @property
    def s(self) -> int:
        return int(self.state_record.view(np.int64)[_POSITION_WORD])

    @s.setter
    def s(self, state: int) -> None:
        if not 0 <= int(state) < self.observation_space.n:
            raise ValueError(f"s must lie in [0, {self.observation_space.n}), got {state}")
        self.state_record.view(np.int64)[_POSITION_WORD] = int(state)

    @functools.cached_property
    def P(self) -> dict[int, dict[int, list[tuple[float, int, float, bool]]]]:
        """gymnasium's transition model: P[s][a] = [(probability, next state, reward, terminated), ...]."""
        kernel = self._kernel
        return {
            s: {a: kernel.transitions(s, a) for a in range(kernel.n_actions)} for s in range(kernel.n_states)
        }

    # -- pickling: the kernel is rebuilt from the configuration -------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_kernel"], state["_observation"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._attach_kernel()


# -- FrozenLake -------------------------------------------------------------------
def _reachable(board: list[list[str]], size: int) -> bool:
    """Whether a walk over non-hole tiles leads from the top-left corner to a goal."""
    seen = set()
    frontier = [(0, 0)]
    # Depth-first in gymnasium's order; the order does not change the answer,
    # and no draw depends on it.
    while frontier:
        row, col = frontier.pop()
        if (row, col) in seen:
            continue
        seen.add((row, col))
        for d_row, d_col in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            r, c = row + d_row, col + d_col
            if not (0 <= r < size and 0 <= c < size):
                continue
            if board[r][c] == "G":
                return True
            if board[r][c] != "H":
                frontier.append((r, c))
    return False


def generate_random_map(size: int = 8, p: float = 0.8, seed: int | None = None) -> list[str]:
    """A random ``size`` x ``size`` FrozenLake map with a path from S to G.

    Each tile is frozen with probability ``p`` (else a hole); boards without
    a path are redrawn. With a seed, the map is the one gymnasium's
    ``generate_random_map`` gives for that seed: the same generator draws
    the same tiles (Generator.choice with probabilities).
    """
    if seed is not None:
        seed = native.checked_seed(seed)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    p = min(1, p)
    while True:
        board = rng.choice(["F", "H"], (size, size), p=[p, 1 - p])
        board[0][0] = "S"
        board[-1][-1] = "G"
        if _reachable(board, size):
            return ["".join(row) for row in board]


def _map_rows(desc) -> list[str]:
    """Rows of a map given as strings, bytes, or sequences of one-letter strings/bytes."""

    def text(x) -> str:
        return x.decode("ascii") if isinstance(x, (bytes, np.bytes_)) else str(x)

    if isinstance(desc, (str, bytes)):
        raise ValueError(f"desc must be a list of rows (e.g. ['SFFF', 'FHFH', ...]), got the single string {desc!r}")
    rows = []
    for row in desc:
        rows.append(text(row) if isinstance(row, (str, bytes, np.str_, np.bytes_)) else "".join(text(c) for c in row))
    return rows


class FrozenLakeEnv(_ToyTextEnv):
    """gymnasium's FrozenLake-v1: cross a frozen lake from S to G without falling into a hole.

    Parameters
    ----------
    render_mode : None or "ansi"
    desc : list of str, optional
        The map, one string per row: S start, F frozen, H hole, G goal. When
        None, ``map_name`` picks a built-in map; when both are None, a random
        8x8 map is drawn with ``generate_random_map()``.
    map_name : "4x4", "8x8" or None, default "4x4"
    is_slippery : bool, default True
        Move the intended way with probability ``success_rate``, else to
        either perpendicular side with equal probability.
    success_rate : float, default 1/3
    reward_schedule : (goal, hole, other), default (1, 0, 0)
        Rewards for entering a goal, a hole and any other tile.

    Observation: ``row * ncol + col``; actions: 0 left, 1 down, 2 right, 3 up.
    """

    def __init__(
        self,
        render_mode: str | None = None,
        desc: list[str] | None = None,
        map_name: str | None = "4x4",
        is_slippery: bool = True,
        success_rate: float = 1.0 / 3.0,
        reward_schedule: tuple[float, float, float] = (1, 0, 0),
    ) -> None:
        if desc is None and map_name is None:
            desc = generate_random_map()
        elif desc is None:
            if map_name not in MAPS:
                raise ValueError(f"map_name must be one of {sorted(MAPS)} or None (a random map), got {map_name!r}")
            desc = MAPS[map_name]
        rows = _map_rows(desc)
        schedule = tuple(reward_schedule)
        if len(schedule) != 3:
            raise ValueError(f"reward_schedule must hold 3 rewards (goal, hole, other), got {reward_schedule!r}")
        self._config = (rows, bool(is_slippery), float(success_rate), tuple(float(r) for r in schedule))
        super().__init__(render_mode)
        self.desc = np.asarray(rows, dtype="c")
        self.nrow, self.ncol = self.desc.shape
        self.reward_range = (min(schedule), max(schedule))

    def _make_kernel(self):
        rows, is_slippery, success_rate, schedule = self._config
        return _core.FrozenLake(rows, is_slippery, success_rate, schedule)

    def _render_text(self) -> str:
        s = self.s
        rows = [list(row) for row in self._config[0]]
        row, col = divmod(s, self.ncol)
        rows[row][col] = colorize(rows[row][col], "red", highlight=True)
        header = f"  ({['Left', 'Down', 'Right', 'Up'][self.lastaction]})\n" if self.lastaction is not None else "\n"
        return header + "\n".join("".join(r) for r in rows) + "\n"


# -- Taxi -------------------------------------------------------------------------
_TAXI_MAP = [
    "+---------+",
    "|R: | : :G|",
    "| : | : : |",
    "| : : : : |",
    "| | : | : |",
    "|Y| : |B: |",
    "+---------+",
]


class TaxiEnv(_ToyTextEnv):
    """gymnasium's Taxi-v4: pick a passenger up at one of four stands and drop them at another.

    Parameters
    ----------
    render_mode : None or "ansi"
    is_rainy : bool, default False
        Moves go the intended way with probability ``rainy_probability``,
        else sideways (each side half the rest).
    fickle_passenger : bool, default False
        With probability ``fickle_probability`` (drawn at reset), the
        passenger changes destination after the first move with them aboard.
    rainy_probability : float, default 0.8
    fickle_probability : float, default 0.3

    Observation: ``((taxi_row * 5 + taxi_col) * 5 + passenger) * 4 + destination``;
    actions: 0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff. The info
    holds ``prob`` and gymnasium's ``action_mask`` (int8, 1 where the action
    changes something).
    """

    def __init__(
        self,
        render_mode: str | None = None,
        is_rainy: bool = False,
        fickle_passenger: bool = False,
        rainy_probability: float = 0.8,
        fickle_probability: float = 0.3,
    ) -> None:
        self._config = (bool(is_rainy), bool(fickle_passenger), float(rainy_probability), float(fickle_probability))
        super().__init__(render_mode)
        self.desc = np.asarray(_TAXI_MAP, dtype="c")
        self.locs = [(0, 0), (0, 4), (4, 0), (4, 3)]
        self.is_rainy, self.fickle_passenger = self._config[:2]
        self.rainy_probability, self.fickle_probability = self._config[2:]

    def _make_kernel(self):
        kernel = _core.Taxi(*self._config)
        self._action_masks = kernel.action_masks
        return kernel

    def _reset_info(self, s: int) -> dict[str, Any]:
        return {"prob": 1.0, "action_mask": self._action_masks[s].copy()}

    def _step_info(self, s: int, probability: float) -> dict[str, Any]:
        return {"prob": probability, "action_mask": self._action_masks[s].copy()}

    def __getstate__(self):
        state = super().__getstate__()
        del state["_action_masks"]
        return state

    @staticmethod
    def encode(taxi_row: int, taxi_col: int, pass_loc: int, dest_idx: int) -> int:
        return ((taxi_row * 5 + taxi_col) * 5 + pass_loc) * 4 + dest_idx

    @staticmethod
    def decode(i: int) -> tuple[int, int, int, int]:
        rest, dest_idx = divmod(int(i), 4)
        rest, pass_loc = divmod(rest, 5)
        taxi_row, taxi_col = divmod(rest, 5)
        return taxi_row, taxi_col, pass_loc, dest_idx

    def action_mask(self, state: int) -> np.ndarray:
        return self._action_masks[int(state)].copy()

    def _render_text(self) -> str:
        out = [list(row) for row in _TAXI_MAP]
        taxi_row, taxi_col, pass_idx, dest_idx = self.decode(self.s)
        taxi_cell = (1 + taxi_row, 2 * taxi_col + 1)
        if pass_idx < 4:
            out[taxi_cell[0]][taxi_cell[1]] = colorize(out[taxi_cell[0]][taxi_cell[1]], "yellow", highlight=True)
            p_row, p_col = self.locs[pass_idx]
            out[1 + p_row][2 * p_col + 1] = colorize(out[1 + p_row][2 * p_col + 1], "blue", bold=True)
        else:
            # An occupied taxi on a blank cell shows as '_' so the highlight is visible.
            cell = out[taxi_cell[0]][taxi_cell[1]]
            out[taxi_cell[0]][taxi_cell[1]] = colorize("_" if cell == " " else cell, "green", highlight=True)
        d_row, d_col = self.locs[dest_idx]
        out[1 + d_row][2 * d_col + 1] = colorize(out[1 + d_row][2 * d_col + 1], "magenta")
        text = "\n".join("".join(row) for row in out) + "\n"
        names = ["South", "North", "East", "West", "Pickup", "Dropoff"]
        return text + (f"  ({names[self.lastaction]})\n" if self.lastaction is not None else "\n")


# -- CliffWalking -------------------------------------------------------------------
class CliffWalkingEnv(_ToyTextEnv):
    """gymnasium's CliffWalking-v1 (Sutton and Barto, Example 6.6).

    A 4x12 grid: start at the bottom-left, goal at the bottom-right, a cliff
    between them. Each move costs -1; stepping onto the cliff costs -100 and
    returns the walker to the start (the episode goes on).

    Parameters
    ----------
    render_mode : None or "ansi"
    is_slippery : bool, default False
        Move the intended way or to either perpendicular side, 1/3 each.

    Observation: ``row * 12 + col``; actions: 0 up, 1 right, 2 down, 3 left.
    """

    def __init__(self, render_mode: str | None = None, is_slippery: bool = False) -> None:
        self._config = (bool(is_slippery),)
        super().__init__(render_mode)
        self.shape = (4, 12)
        self.nS = 48
        self.nA = 4
        self.start_state_index = 36
        self.is_slippery = self._config[0]

    def _make_kernel(self):
        return _core.CliffWalking(*self._config)

    def _render_text(self) -> str:
        s = self.s
        lines = []
        for row in range(4):
            cells = []
            for col in range(12):
                if row * 12 + col == s:
                    cells.append(" x ")
                elif (row, col) == (3, 11):
                    cells.append(" T ")
                elif row == 3 and 0 < col < 11:
                    cells.append(" C ")
                else:
                    cells.append(" o ")
            cells[0] = cells[0].lstrip()
            cells[-1] = cells[-1].rstrip()
            lines.append("".join(cells) + "\n")
        return "".join(lines) + "\n"
