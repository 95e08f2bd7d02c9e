// gymnasium's CliffWalking-v1 (Sutton and Barto, "Reinforcement Learning: An
// Introduction", Example 6.6): a 4x12 grid, start at the bottom-left, goal at
// the bottom-right, the cells between them a cliff that costs -100 and sends
// the walker back to the start. Every other move costs -1. With
// `is_slippery`, each move goes the intended way or to either perpendicular
// side, 1/3 each. Same seed, same actions: same results as gymnasium.
#pragma once

#include <cstdint>

#include "zoo/envs/toy_text.hpp"
#include "zoo/envs.hpp"

namespace zoo::rl {

class CliffWalking : public EnvKernel<CliffWalking> {
public:
    using State = toy_text::PositionState;
    static constexpr int kRows = 4, kCols = 12;
    static constexpr int kUp = 0, kRight = 1, kDown = 2, kLeft = 3;

    explicit CliffWalking(bool is_slippery);

    int observation_size() const override { return 1; }
    std::int64_t n_states() const override { return kRows * kCols; }
    int n_actions() const override { return 4; }

    static void reset(const CliffWalking& env, State& state, float* observation);
    static Transition step(const CliffWalking& env, State& state, std::int64_t action, float* observation);

    bool is_slippery() const { return is_slippery_; }

    const toy_text::TransitionTable& transitions() const { return table_; }

private:
    bool is_slippery_;
    std::vector<double> start_sums_;
    toy_text::TransitionTable table_;
};

}  // namespace zoo::rl
