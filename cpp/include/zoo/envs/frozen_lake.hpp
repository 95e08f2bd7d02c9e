// gymnasium's FrozenLake-v1: walk from S to G across frozen tiles (F)
// without falling into a hole (H). On a slippery lake each move goes the
// intended way with probability `success_rate` and to either perpendicular
// side with the rest split evenly. Same seed, same actions: same
// observations, rewards, terminations and info["prob"] as gymnasium.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "zoo/envs/toy_text.hpp"
#include "zoo/envs.hpp"

namespace zoo::rl {

class FrozenLake : public EnvKernel<FrozenLake> {
public:
    using State = toy_text::PositionState;
    static constexpr int kLeft = 0, kDown = 1, kRight = 2, kUp = 3;

    // `desc`: the rows of the map, all the same length, letters S F H G, at
    // least one S and one G. `reward_schedule`: rewards for entering a goal,
    // a hole and any other tile. Throws std::invalid_argument otherwise.
    FrozenLake(std::vector<std::string> desc, bool is_slippery, double success_rate,
               std::array<double, 3> reward_schedule);

    int observation_size() const override { return 1; }
    std::int64_t n_states() const override { return nrow_ * ncol_; }
    int n_actions() const override { return 4; }

    static void reset(const FrozenLake& env, State& state, float* observation);
    static Transition step(const FrozenLake& env, State& state, std::int64_t action, float* observation);

    const std::vector<std::string>& desc() const { return desc_; }
    bool is_slippery() const { return is_slippery_; }
    double success_rate() const { return success_rate_; }
    const std::array<double, 3>& reward_schedule() const { return reward_schedule_; }

    const toy_text::TransitionTable& transitions() const { return table_; }

private:
    std::vector<std::string> desc_;
    std::int64_t nrow_, ncol_;
    bool is_slippery_;
    double success_rate_;
    std::array<double, 3> reward_schedule_;
    std::vector<double> start_sums_;
    toy_text::TransitionTable table_;
};

}  // namespace zoo::rl
