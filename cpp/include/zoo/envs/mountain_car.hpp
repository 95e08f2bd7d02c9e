// MountainCar-v0 (Moore 1990) as gymnasium 1.4 computes it: an under-powered
// car on a cosine-shaped valley, float64 state, float32 observations.
#pragma once

#include <cstdint>

#include "zoo/envs/classic_control.hpp"

namespace zoo::rl {

struct MountainCar : BoundedResetKernel<MountainCar> {
    struct State {
        NumpyRandomState rng;
        double position, velocity;
    };

    static constexpr double kDefaultLow = -0.6, kDefaultHigh = -0.4;

    explicit MountainCar(double goal_velocity = 0.0) : goal_velocity(goal_velocity) {}

    int observation_size() const override { return 2; }
    int n_actions() const override { return 3; }

    static void reset(const MountainCar& env, State& s, float* observation) {
        reset_within(env, s, kDefaultLow, kDefaultHigh, observation);
    }
    static void reset_within(const MountainCar& env, State& s, double low, double high, float* observation);
    static Transition step(const MountainCar& env, State& s, std::int64_t action, float* observation);

    // The episode ends at the flag only when the car is at least this fast.
    double goal_velocity;
};

}  // namespace zoo::rl
