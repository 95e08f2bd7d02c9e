// CartPole's arithmetic follows gymnasium's expression by expression: the
// same float64 operations in the same order, so every bit agrees (this file
// is compiled without FMA contraction, see CMakeLists.txt).
#include "zoo/envs/cartpole.hpp"

#include <cmath>

namespace zoo::rl {

namespace {

constexpr double kPi = 3.141592653589793;
constexpr double kGravity = 9.8;
constexpr double kMassCart = 1.0;
constexpr double kMassPole = 0.1;
constexpr double kTotalMass = kMassPole + kMassCart;
constexpr double kLength = 0.5;  // half the pole's length
constexpr double kPoleMassLength = kMassPole * kLength;
constexpr double kForceMag = 10.0;
constexpr double kTau = 0.02;
constexpr double kThetaThreshold = 12 * 2 * kPi / 360;
constexpr double kXThreshold = 2.4;

void observe(const CartPole::State& s, float* observation) {
    observation[0] = static_cast<float>(s.x);
    observation[1] = static_cast<float>(s.x_dot);
    observation[2] = static_cast<float>(s.theta);
    observation[3] = static_cast<float>(s.theta_dot);
}

}  // namespace

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
    const double force = action == 1 ? kForceMag : -kForceMag;
    const double costheta = std::cos(s.theta);
    const double sintheta = std::sin(s.theta);
    const double temp = (force + kPoleMassLength * (s.theta_dot * s.theta_dot) * sintheta) / kTotalMass;
    const double thetaacc = (kGravity * sintheta - costheta * temp) /
                            (kLength * (4.0 / 3.0 - kMassPole * (costheta * costheta) / kTotalMass));
    const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
    // Explicit Euler: positions advance with the old velocities.
    s.x = s.x + kTau * s.x_dot;
    s.x_dot = s.x_dot + kTau * xacc;
    s.theta = s.theta + kTau * s.theta_dot;
    s.theta_dot = s.theta_dot + kTau * thetaacc;
    observe(s, observation);

    Transition t;
    t.terminated = s.x < -kXThreshold || s.x > kXThreshold || s.theta < -kThetaThreshold || s.theta > kThetaThreshold;
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
