// What gymnasium's toy-text environments (FrozenLake, Taxi, CliffWalking)
// share: each is a table of (probability, next state, reward, terminated)
// outcomes per state and action, and every reset and step spends exactly one
// random() on `categorical_sample` over a list of probabilities. Keeping the
// lists in gymnasium's order, with the float64 running sums np.cumsum forms,
// makes the sampled index -- and so the whole trajectory -- the same.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/envs.hpp"
#include "zoo/numpy_random.hpp"

namespace zoo::rl::toy_text {

// np.cumsum adds left to right in float64; a different order (pairwise, or
// long double) could move a running sum across a draw and pick another index.
inline std::vector<double> running_sums(const std::vector<double>& probabilities) {
    std::vector<double> sums(probabilities.size());
    double total = 0.0;
    for (std::size_t i = 0; i < probabilities.size(); ++i) sums[i] = total += probabilities[i];
    return sums;
}

// argmax(running_sums > u): the first index whose running sum exceeds u. When
// rounding leaves the total below 1 and u lands above it, argmax of an
// all-False array is 0, so that is what gymnasium picks and what we pick.
// The sums never decrease (probabilities are >= 0), so a binary search finds
// the first one above u.
inline std::int64_t categorical_index(const double* sums, std::int64_t n, double u) {
    const double* above = std::upper_bound(sums, sums + n, u);
    return above == sums + n ? 0 : above - sums;
}

inline std::int64_t categorical_sample(const std::vector<double>& sums, NumpyRandomState& rng) {
    return categorical_index(sums.data(), static_cast<std::int64_t>(sums.size()), NumpyRandom(rng).random());
}

// A state index read back from a caller-owned record: a corrupted or foreign
// record must raise, not index past the table.
inline std::int64_t checked_state(std::int64_t s, std::int64_t n_states) {
    if (s < 0 || s >= n_states)
        throw std::out_of_range("environment state record holds state " + std::to_string(s) + ", outside [0, " +
                                std::to_string(n_states) + "); was it reset by this environment?");
    return s;
}

struct Outcome {
    double probability = 0.0;
    std::int64_t next_state = 0;
    double reward = 0.0;
    bool terminated = false;
};

// gymnasium's `P[s][a]`: at most three outcomes (the intended move and its
// two perpendicular slips) per state and action.
class TransitionTable {
public:
    static constexpr int kMaxOutcomes = 3;

    TransitionTable(std::int64_t n_states, int n_actions)
        : n_actions_(n_actions),
          outcomes_(static_cast<std::size_t>(n_states * n_actions * kMaxOutcomes)),
          sums_(outcomes_.size()),
          counts_(static_cast<std::size_t>(n_states * n_actions), 0) {}

    // Outcomes must be added in gymnasium's list order: the order fixes the running sums.
    void add(std::int64_t state, int action, const Outcome& outcome) {
        const std::size_t cell = cell_of(state, action);
        const int k = counts_[cell];
        if (k == kMaxOutcomes) throw std::logic_error("toy-text transition list overflow");
        const std::size_t slot = cell * kMaxOutcomes + static_cast<std::size_t>(k);
        outcomes_[slot] = outcome;
        sums_[slot] = k == 0 ? outcome.probability : sums_[slot - 1] + outcome.probability;
        counts_[cell] = static_cast<std::uint8_t>(k + 1);
    }

    // gymnasium's P[state][action], for planners that read the model.
    std::vector<Outcome> outcomes(std::int64_t state, int action) const {
        const std::size_t cell = cell_of(state, action);
        const auto first = outcomes_.begin() + static_cast<std::ptrdiff_t>(cell * kMaxOutcomes);
        return {first, first + counts_[cell]};
    }

    const Outcome& sample(std::int64_t state, std::int64_t action, NumpyRandomState& rng) const {
        const std::size_t cell = cell_of(state, static_cast<int>(action));
        const std::size_t first = cell * kMaxOutcomes;
        const double u = NumpyRandom(rng).random();
        return outcomes_[first + static_cast<std::size_t>(categorical_index(&sums_[first], counts_[cell], u))];
    }

private:
    std::size_t cell_of(std::int64_t state, int action) const {
        return static_cast<std::size_t>(state * n_actions_ + action);
    }

    int n_actions_;
    std::vector<Outcome> outcomes_;
    std::vector<double> sums_;
    std::vector<std::uint8_t> counts_;
};

// The record of FrozenLake and CliffWalking: the generator and the position.
struct PositionState {
    NumpyRandomState rng;
    std::int64_t s;
};

inline Transition report(const Outcome& outcome) {
    Transition t;
    t.reward = outcome.reward;
    t.terminated = outcome.terminated;
    t.probability = outcome.probability;
    return t;
}

// reset() and step() of an environment that is its transition table alone
// (FrozenLake, CliffWalking): draw the start over the initial distribution's
// running sums, then each move from the table.
inline void reset_position(const std::vector<double>& start_sums, PositionState& state, float* observation) {
    state.s = categorical_sample(start_sums, state.rng);
    observation[0] = static_cast<float>(state.s);
}

inline Transition step_position(const TransitionTable& table, std::int64_t n_states, PositionState& state,
                                std::int64_t action, float* observation) {
    const Outcome& taken = table.sample(checked_state(state.s, n_states), action, state.rng);
    state.s = taken.next_state;
    observation[0] = static_cast<float>(state.s);
    return report(taken);
}

}  // namespace zoo::rl::toy_text
