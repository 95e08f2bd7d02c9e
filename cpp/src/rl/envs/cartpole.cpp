// CartPole's arithmetic follows gymnasium's expression by expression: the
// same float64 operations in the same order, so every bit agrees (this file
// is compiled without FMA contraction, see CMakeLists.txt).
#include "zoo/envs/cartpole.hpp"

#include <cmath>

namespace zoo::rl {

namespace {

constexpr double kPi = 3.141592653589793;

void observe(const CartPole::State& s, float* observation) {
    observation[0] = static_cast<float>(s.x);
    observation[1] = static_cast<float>(s.x_dot);
    observation[2] = static_cast<float>(s.theta);
    observation[3] = static_cast<float>(s.theta_dot);
}

}  // namespace

CartPole::Parameters CartPole::default_parameters() {
    Parameters p;
    // gymnasium's __init__, in its order: the sums are computed, not written out.
    p.gravity = 9.8;
    p.masscart = 1.0;
    p.masspole = 0.1;
    p.total_mass = p.masspole + p.masscart;
    p.length = 0.5;  // half the pole's length
    p.polemass_length = p.masspole * p.length;
    p.force_mag = 10.0;
    p.tau = 0.02;
    p.theta_threshold_radians = 12 * 2 * kPi / 360;
    p.x_threshold = 2.4;
    p.semi_implicit = 0.0;
    return p;
}

void CartPole::reset_within(const CartPole&, State& s, double low, double high, float* observation) {
    NumpyRandom rng(s.rng);
    // One uniform(size=(4,)) call: the four draws come in state order.
    s.x = rng.uniform(low, high);
    s.x_dot = rng.uniform(low, high);
    s.theta = rng.uniform(low, high);
    s.theta_dot = rng.uniform(low, high);
    s.steps_beyond_terminated = -1;
    observe(s, observation);
}

Transition CartPole::step(const CartPole& env, State& s, std::int64_t action, float* observation) {
    const Parameters& p = s.parameters;
    const double force = action == 1 ? p.force_mag : -p.force_mag;
    const double costheta = std::cos(s.theta);
    const double sintheta = std::sin(s.theta);
    const double temp = (force + p.polemass_length * (s.theta_dot * s.theta_dot) * sintheta) / p.total_mass;
    const double thetaacc = (p.gravity * sintheta - costheta * temp) /
                            (p.length * (4.0 / 3.0 - p.masspole * (costheta * costheta) / p.total_mass));
    const double xacc = temp - p.polemass_length * thetaacc * costheta / p.total_mass;
    if (p.semi_implicit == 0.0) {
        // Explicit Euler: positions advance with the old velocities.
        s.x = s.x + p.tau * s.x_dot;
        s.x_dot = s.x_dot + p.tau * xacc;
        s.theta = s.theta + p.tau * s.theta_dot;
        s.theta_dot = s.theta_dot + p.tau * thetaacc;
    } else {
        // Semi-implicit Euler: velocities first, positions with the new ones.
        s.x_dot = s.x_dot + p.tau * xacc;
        s.x = s.x + p.tau * s.x_dot;
        s.theta_dot = s.theta_dot + p.tau * thetaacc;
        s.theta = s.theta + p.tau * s.theta_dot;
    }
    observe(s, observation);

    Transition t;
    t.terminated = s.x < -p.x_threshold || s.x > p.x_threshold || s.theta < -p.theta_threshold_radians ||
                   s.theta > p.theta_threshold_radians;
    if (!t.terminated) {
        t.reward = env.sutton_barto_reward ? 0.0 : 1.0;
    } else if (s.steps_beyond_terminated < 0) {
        s.steps_beyond_terminated = 0;
        t.reward = env.sutton_barto_reward ? -1.0 : 1.0;
    } else {
        // Stepping on after termination is undefined in gymnasium but still
        // computed; its reward drops to 0 (or stays -1).
        ++s.steps_beyond_terminated;
        t.reward = env.sutton_barto_reward ? -1.0 : 0.0;
    }
    return t;
}

}  // namespace zoo::rl
