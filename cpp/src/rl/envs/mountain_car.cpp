// MountainCar's arithmetic in gymnasium's order (compiled without FMA
// contraction, see CMakeLists.txt); gymnasium uses math.cos here, the C
// library's cos, as std::cos does.
#include "zoo/envs/mountain_car.hpp"

#include <algorithm>
#include <cmath>

namespace zoo::rl {

namespace {

constexpr double kMinPosition = -1.2;
constexpr double kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.5;
constexpr double kForce = 0.001;
constexpr double kGravity = 0.0025;

// np.clip on a float64 scalar: max with the lower bound, then min with the upper.
double clip(double value, double low, double high) { return std::min(std::max(value, low), high); }

void observe(const MountainCar::State& s, float* observation) {
    observation[0] = static_cast<float>(s.position);
    observation[1] = static_cast<float>(s.velocity);
}

}  // namespace

void MountainCar::reset_within(const MountainCar&, State& s, double low, double high, float* observation) {
    NumpyRandom rng(s.rng);
    s.position = rng.uniform(low, high);
    s.velocity = 0.0;
    observe(s, observation);
}

Transition MountainCar::step(const MountainCar& env, State& s, std::int64_t action, float* observation) {
    double velocity = s.velocity + (static_cast<double>(action - 1) * kForce + std::cos(3 * s.position) * (-kGravity));
    velocity = clip(velocity, -kMaxSpeed, kMaxSpeed);
    const double position = clip(s.position + velocity, kMinPosition, kMaxPosition);
    // The left wall is inelastic: the car stops there instead of bouncing.
    if (position == kMinPosition && velocity < 0) velocity = 0.0;
    s.position = position;
    s.velocity = velocity;
    observe(s, observation);

    Transition t;
    t.terminated = position >= kGoalPosition && velocity >= env.goal_velocity;
    t.reward = -1.0;
    return t;
}

}  // namespace zoo::rl
