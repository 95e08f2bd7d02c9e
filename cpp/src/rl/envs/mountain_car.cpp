// MountainCar's arithmetic in gymnasium's order (compiled without FMA
// contraction, see CMakeLists.txt); gymnasium uses math.cos here, the C
// library's cos, as std::cos does.
#include "zoo/envs/mountain_car.hpp"

#include <algorithm>
#include <cmath>

namespace zoo::rl {

namespace {

// np.clip on a float64 scalar: max with the lower bound, then min with the upper.
double clip(double value, double low, double high) { return std::min(std::max(value, low), high); }

void observe(const MountainCar::State& s, float* observation) {
    observation[0] = static_cast<float>(s.position);
    observation[1] = static_cast<float>(s.velocity);
}

}  // namespace

MountainCar::Parameters MountainCar::default_parameters() const {
    Parameters p;
    p.min_position = -1.2;
    p.max_position = 0.6;
    p.max_speed = 0.07;
    p.goal_position = 0.5;
    p.goal_velocity = goal_velocity;
    p.force = 0.001;
    p.gravity = 0.0025;
    return p;
}

void MountainCar::reset_within(const MountainCar&, State& s, double low, double high, float* observation) {
    NumpyRandom rng(s.rng);
    s.position = rng.uniform(low, high);
    s.velocity = 0.0;
    observe(s, observation);
}

Transition MountainCar::step(const MountainCar&, State& s, std::int64_t action, float* observation) {
    const Parameters& p = s.parameters;
    double velocity = s.velocity + (static_cast<double>(action - 1) * p.force + std::cos(3 * s.position) * (-p.gravity));
    velocity = clip(velocity, -p.max_speed, p.max_speed);
    const double position = clip(s.position + velocity, p.min_position, p.max_position);
    // The left wall is inelastic: the car stops there instead of bouncing.
    if (position == p.min_position && velocity < 0) velocity = 0.0;
    s.position = position;
    s.velocity = velocity;
    observe(s, observation);

    Transition t;
    t.terminated = position >= p.goal_position && velocity >= p.goal_velocity;
    t.reward = -1.0;
    return t;
}

}  // namespace zoo::rl
