// Acrobot-v1 (Sutton 1996; the "book" dynamics of Sutton & Barto) as
// gymnasium 1.4 computes it: one fourth-order Runge-Kutta step of 0.2 s per
// action, angles wrapped to [-pi, pi], velocities bounded.
#pragma once

#include <cstdint>

#include "zoo/envs/classic_control.hpp"

namespace zoo::rl {

struct Acrobot : ClassicControlKernel<Acrobot> {
    // gymnasium's attributes of the same names (LINK_LENGTH_2 only draws).
    struct Parameters {
        double dt, LINK_LENGTH_1, LINK_LENGTH_2, LINK_MASS_1, LINK_MASS_2, LINK_COM_POS_1, LINK_COM_POS_2, LINK_MOI,
            MAX_VEL_1, MAX_VEL_2, torque_noise_max;
        // gymnasium's book_or_nips: 0 for "book", 1 for "nips".
        double nips;
        // gymnasium's AVAIL_TORQUE, the torque of each action.
        double AVAIL_TORQUE_0, AVAIL_TORQUE_1, AVAIL_TORQUE_2;
    };
    static constexpr const char* kParameterNames[] = {
        "dt",        "LINK_LENGTH_1",    "LINK_LENGTH_2", "LINK_MASS_1",    "LINK_MASS_2",
        "LINK_COM_POS_1", "LINK_COM_POS_2", "LINK_MOI",   "MAX_VEL_1",      "MAX_VEL_2",
        "torque_noise_max", "nips",        "AVAIL_TORQUE_0", "AVAIL_TORQUE_1", "AVAIL_TORQUE_2"};

    // Angles and angular velocities in float64; right after a reset they hold
    // float32 values, as gymnasium's state does until the first step.
    struct State {
        NumpyRandomState rng;
        double theta1, theta2, dtheta1, dtheta2;
        Parameters parameters;
    };

    static constexpr double kDefaultLow = -0.1, kDefaultHigh = 0.1;

    int observation_size() const override { return 6; }
    int n_actions() const override { return 3; }

    static Parameters default_parameters();
    static void reset(const Acrobot& env, State& s, float* observation) {
        reset_within(env, s, kDefaultLow, kDefaultHigh, observation);
    }
    static void reset_within(const Acrobot& env, State& s, double low, double high, float* observation);
    static Transition step(const Acrobot& env, State& s, std::int64_t action, float* observation);
};

}  // namespace zoo::rl
