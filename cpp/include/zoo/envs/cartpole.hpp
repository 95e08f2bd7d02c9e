// CartPole-v1 (Barto, Sutton & Anderson 1983) as gymnasium 1.4 computes it:
// explicit Euler steps of the cart-pole equations in float64, observations
// rounded to float32.
#pragma once

#include <cstdint>

#include "zoo/envs/classic_control.hpp"

namespace zoo::rl {

struct CartPole : ClassicControlKernel<CartPole> {
    // gymnasium's attributes of the same names. As in gymnasium, total_mass
    // and polemass_length are values of their own, computed once from the
    // masses and length: writing masspole alone leaves them as they were.
    struct Parameters {
        double gravity, masscart, masspole, total_mass, length, polemass_length, force_mag, tau,
            theta_threshold_radians, x_threshold;
        // gymnasium's kinematics_integrator: 0 for "euler", 1 for the semi-implicit one.
        double semi_implicit;
    };
    static constexpr const char* kParameterNames[] = {
        "gravity", "masscart", "masspole", "total_mass", "length", "polemass_length", "force_mag", "tau",
        "theta_threshold_radians", "x_threshold", "semi_implicit"};

    struct State {
        NumpyRandomState rng;
        double x, x_dot, theta, theta_dot;
        // gymnasium's steps_beyond_terminated; -1 stands for its None.
        std::int64_t steps_beyond_terminated;
        Parameters parameters;
    };

    static constexpr double kDefaultLow = -0.05, kDefaultHigh = 0.05;

    explicit CartPole(bool sutton_barto_reward = false) : sutton_barto_reward(sutton_barto_reward) {}

    int observation_size() const override { return 4; }
    int n_actions() const override { return 2; }

    static Parameters default_parameters();
    static void reset(const CartPole& env, State& s, float* observation) {
        reset_within(env, s, kDefaultLow, kDefaultHigh, observation);
    }
    static void reset_within(const CartPole& env, State& s, double low, double high, float* observation);
    static Transition step(const CartPole& env, State& s, std::int64_t action, float* observation);

    // Reward 0 per step and -1 on termination instead of +1 per step.
    bool sutton_barto_reward;
};

}  // namespace zoo::rl
