#include "zoo/envs/cliff_walking.hpp"

#include <algorithm>

namespace zoo::rl {

namespace {

constexpr std::int64_t kStart = (CliffWalking::kRows - 1) * CliffWalking::kCols;
constexpr std::int64_t kGoal = CliffWalking::kRows * CliffWalking::kCols - 1;

bool is_cliff(std::int64_t row, std::int64_t col) {
    return row == CliffWalking::kRows - 1 && col > 0 && col < CliffWalking::kCols - 1;
}

}  // namespace

CliffWalking::CliffWalking(bool is_slippery) : is_slippery_(is_slippery), table_(kRows * kCols, 4) {
    std::vector<double> start(static_cast<std::size_t>(n_states()), 0.0);
    start[kStart] = 1.0;
    start_sums_ = toy_text::running_sums(start);

    static constexpr int kRowStep[4] = {-1, 0, 1, 0};  // indexed by UP, RIGHT, DOWN, LEFT
    static constexpr int kColStep[4] = {0, 1, 0, -1};
    // gymnasium writes 1 / len(deltas): 1.0 or the double nearest 1/3.
    const double probability = is_slippery_ ? 1.0 / 3.0 : 1.0;
    for (std::int64_t s = 0; s < n_states(); ++s)
        for (int a = 0; a < 4; ++a) {
            const int first = is_slippery_ ? (a + 3) % 4 : a;
            const int n_moves = is_slippery_ ? 3 : 1;
            for (int k = 0; k < n_moves; ++k) {
                const int move = (first + k) % 4;
                const std::int64_t row = std::clamp<std::int64_t>(s / kCols + kRowStep[move], 0, kRows - 1);
                const std::int64_t col = std::clamp<std::int64_t>(s % kCols + kColStep[move], 0, kCols - 1);
                toy_text::Outcome o;
                o.probability = probability;
                if (is_cliff(row, col)) {
                    // Falling does not end the episode: it costs -100 and restarts the walk.
                    o.next_state = kStart;
                    o.reward = -100.0;
                    o.terminated = false;
                } else {
                    o.next_state = row * kCols + col;
                    o.reward = -1.0;
                    o.terminated = o.next_state == kGoal;
                }
                table_.add(s, a, o);
            }
        }
}

void CliffWalking::reset(const CliffWalking& env, State& state, float* observation) {
    toy_text::reset_position(env.start_sums_, state, observation);
}

Transition CliffWalking::step(const CliffWalking& env, State& state, std::int64_t action, float* observation) {
    return toy_text::step_position(env.table_, env.n_states(), state, action, observation);
}

}  // namespace zoo::rl
