// MountainCar-v0 (Moore 1990) as gymnasium 1.4 computes it: an under-powered
// car on a cosine-shaped valley, float64 state, float32 observations.
#pragma once

#include <cstdint>

#include "zoo/envs/classic_control.hpp"

namespace zoo::rl {

struct MountainCar : ClassicControlKernel<MountainCar> {
    // gymnasium's attributes of the same names.
    struct Parameters {
        double min_position, max_position, max_speed, goal_position, goal_velocity, force, gravity;
    };
    static constexpr const char* kParameterNames[] = {"min_position", "max_position", "max_speed", "goal_position",
                                                      "goal_velocity", "force", "gravity"};

    struct State {
        NumpyRandomState rng;
        double position, velocity;
        Parameters parameters;
    };

    static constexpr double kDefaultLow = -0.6, kDefaultHigh = -0.4;

    explicit MountainCar(double goal_velocity = 0.0) : goal_velocity(goal_velocity) {}

    int observation_size() const override { return 2; }
    int n_actions() const override { return 3; }

    Parameters default_parameters() const;
    static void reset(const MountainCar& env, State& s, float* observation) {
        reset_within(env, s, kDefaultLow, kDefaultHigh, observation);
    }
    static void reset_within(const MountainCar& env, State& s, double low, double high, float* observation);
    static Transition step(const MountainCar& env, State& s, std::int64_t action, float* observation);

    // The episode ends at the flag only when the car is at least this fast
    // (the constructor's value: a new copy's goal_velocity).
    double goal_velocity;
};

}  // namespace zoo::rl
