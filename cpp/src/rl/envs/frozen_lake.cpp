#include "zoo/envs/frozen_lake.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace zoo::rl {

namespace {

std::vector<std::string> validated_map(std::vector<std::string> desc) {
    if (desc.empty() || desc[0].empty()) throw std::invalid_argument("desc: the FrozenLake map is empty");
    bool has_start = false, has_goal = false;
    for (std::size_t r = 0; r < desc.size(); ++r) {
        if (desc[r].size() != desc[0].size())
            throw std::invalid_argument("desc: the FrozenLake map is not rectangular (row " + std::to_string(r) +
                                        " has " + std::to_string(desc[r].size()) + " tiles, row 0 has " +
                                        std::to_string(desc[0].size()) + ")");
        for (char tile : desc[r]) {
            if (tile != 'S' && tile != 'F' && tile != 'H' && tile != 'G')
                throw std::invalid_argument(std::string("desc: unknown FrozenLake tile '") + tile + "' in row " +
                                            std::to_string(r) + " (expected S, F, H or G)");
            has_start |= tile == 'S';
            has_goal |= tile == 'G';
        }
    }
    if (!has_start) throw std::invalid_argument("desc: the FrozenLake map has no start tile 'S'");
    if (!has_goal) throw std::invalid_argument("desc: the FrozenLake map has no goal tile 'G'");
    // Observations travel as float32, exact for state indices up to 2^24.
    if (desc.size() * desc[0].size() > (std::size_t{1} << 24))
        throw std::invalid_argument("desc: the FrozenLake map has more than 2^24 tiles");
    return desc;
}

double validated_success_rate(double p) {
    if (!(p >= 0.0 && p <= 1.0))
        throw std::invalid_argument("success_rate must lie in [0, 1], got " + std::to_string(p));
    return p;
}

}  // namespace

FrozenLake::FrozenLake(std::vector<std::string> desc, bool is_slippery, double success_rate,
                       std::array<double, 3> reward_schedule)
    : desc_(validated_map(std::move(desc))),
      nrow_(static_cast<std::int64_t>(desc_.size())),
      ncol_(static_cast<std::int64_t>(desc_[0].size())),
      is_slippery_(is_slippery),
      success_rate_(validated_success_rate(success_rate)),
      reward_schedule_(reward_schedule),
      table_(nrow_ * ncol_, 4) {
    for (double reward : reward_schedule_)
        if (!std::isfinite(reward)) throw std::invalid_argument("reward_schedule must hold finite numbers");

    // gymnasium starts uniformly over the S tiles: each gets 1.0 / count.
    std::vector<double> start(static_cast<std::size_t>(n_states()), 0.0);
    double n_starts = 0.0;
    for (const std::string& row : desc_)
        for (char tile : row) n_starts += tile == 'S';
    for (std::int64_t s = 0; s < n_states(); ++s)
        if (desc_[static_cast<std::size_t>(s / ncol_)][static_cast<std::size_t>(s % ncol_)] == 'S')
            start[static_cast<std::size_t>(s)] = 1.0 / n_starts;
    start_sums_ = toy_text::running_sums(start);

    // The slip probability is computed exactly as gymnasium does, so that
    // the running sums (and info["prob"]) agree to the last bit.
    const double fail_rate = (1.0 - success_rate_) / 2.0;
    auto outcome_of_move = [&](std::int64_t row, std::int64_t col, int move, double probability) {
        if (move == kLeft) col = std::max<std::int64_t>(col - 1, 0);
        if (move == kDown) row = std::min(row + 1, nrow_ - 1);
        if (move == kRight) col = std::min(col + 1, ncol_ - 1);
        if (move == kUp) row = std::max<std::int64_t>(row - 1, 0);
        const char tile = desc_[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)];
        toy_text::Outcome o;
        o.probability = probability;
        o.next_state = row * ncol_ + col;
        o.reward = tile == 'G' ? reward_schedule_[0] : tile == 'H' ? reward_schedule_[1] : reward_schedule_[2];
        o.terminated = tile == 'G' || tile == 'H';
        return o;
    };
    for (std::int64_t row = 0; row < nrow_; ++row)
        for (std::int64_t col = 0; col < ncol_; ++col) {
            const std::int64_t s = row * ncol_ + col;
            const char tile = desc_[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)];
            for (int a = 0; a < 4; ++a) {
                if (tile == 'G' || tile == 'H') {
                    // Ends of episodes absorb, with reward 0 whatever the schedule says.
                    table_.add(s, a, toy_text::Outcome{1.0, s, 0.0, true});
                } else if (is_slippery_) {
                    // gymnasium's order: the move clockwise-before, the intended one, then the next.
                    table_.add(s, a, outcome_of_move(row, col, (a + 3) % 4, fail_rate));
                    table_.add(s, a, outcome_of_move(row, col, a, success_rate_));
                    table_.add(s, a, outcome_of_move(row, col, (a + 1) % 4, fail_rate));
                } else {
                    table_.add(s, a, outcome_of_move(row, col, a, 1.0));
                }
            }
        }
}

void FrozenLake::reset(const FrozenLake& env, State& state, float* observation) {
    toy_text::reset_position(env.start_sums_, state, observation);
}

Transition FrozenLake::step(const FrozenLake& env, State& state, std::int64_t action, float* observation) {
    return toy_text::step_position(env.table_, env.n_states(), state, action, observation);
}

}  // namespace zoo::rl
