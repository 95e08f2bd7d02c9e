// Acrobot-v1 (Sutton 1996; the "book" dynamics of Sutton & Barto) as
// gymnasium 1.4 computes it: one fourth-order Runge-Kutta step of 0.2 s per
// action, angles wrapped to [-pi, pi], velocities bounded.
#pragma once

#include <cstdint>

#include "zoo/envs/classic_control.hpp"

namespace zoo::rl {

struct Acrobot : BoundedResetKernel<Acrobot> {
    // Angles and angular velocities in float64; right after a reset they hold
    // float32 values, as gymnasium's state does until the first step.
    struct State {
        NumpyRandomState rng;
        double theta1, theta2, dtheta1, dtheta2;
    };

    static constexpr double kDefaultLow = -0.1, kDefaultHigh = 0.1;

    int observation_size() const override { return 6; }
    int n_actions() const override { return 3; }

    static void reset(const Acrobot& env, State& s, float* observation) {
        reset_within(env, s, kDefaultLow, kDefaultHigh, observation);
    }
    static void reset_within(const Acrobot& env, State& s, double low, double high, float* observation);
    static Transition step(const Acrobot& env, State& s, std::int64_t action, float* observation);
};

}  // namespace zoo::rl
