// gymnasium's Taxi-v4 (Dietterich, "Hierarchical Reinforcement Learning with
// the MAXQ Value Function Decomposition", JAIR 2000): a taxi on a 5x5 grid
// with walls picks a passenger up at one of four stands and drops them at
// another. `is_rainy` makes moves slip sideways (Dietterich's section 7.1);
// `fickle_passenger` lets the passenger change destination once, after the
// first move with them aboard. Same seed, same actions: same observations,
// rewards, terminations, info["prob"] and info["action_mask"] as gymnasium.
#pragma once

#include <cstdint>
#include <vector>

#include "zoo/envs/toy_text.hpp"
#include "zoo/envs.hpp"
#include "zoo/numpy_random.hpp"

namespace zoo::rl {

class Taxi : public EnvKernel<Taxi> {
public:
    struct State {
        NumpyRandomState rng;
        std::int64_t s;
        // Whether the passenger may still change their mind this episode
        // (decided by a draw at reset when fickle_passenger is on).
        std::int64_t fickle_step;
    };
    static constexpr int kStates = 500, kActions = 6;

    Taxi(bool is_rainy, bool fickle_passenger, double rainy_probability, double fickle_probability);

    int observation_size() const override { return 1; }
    std::int64_t n_states() const override { return kStates; }
    int n_actions() const override { return kActions; }

    static void reset(const Taxi& env, State& state, float* observation);
    static Transition step(const Taxi& env, State& state, std::int64_t action, float* observation);

    // gymnasium's action_mask(s) for every state, row-major (kStates x kActions).
    const std::vector<std::int8_t>& action_masks() const { return action_masks_; }

    bool is_rainy() const { return is_rainy_; }
    bool fickle_passenger() const { return fickle_passenger_; }
    double rainy_probability() const { return rainy_probability_; }
    double fickle_probability() const { return fickle_probability_; }

    const toy_text::TransitionTable& transitions() const { return table_; }

private:
    bool is_rainy_, fickle_passenger_;
    double rainy_probability_, fickle_probability_;
    std::vector<double> start_sums_;
    toy_text::TransitionTable table_;
    std::vector<std::int8_t> action_masks_;
};

}  // namespace zoo::rl
