// Acrobot's arithmetic in gymnasium's order (compiled without FMA
// contraction, see CMakeLists.txt). Three NumPy details decide bits here:
// np.float64 `x**2` is the C library's pow(), not x*x; the reset state is
// float32, so the reset observation takes NumPy's own float32 sin/cos; and
// the later observations are float64 sin/cos (the C library's) rounded to float32.
#include "zoo/envs/acrobot.hpp"

#include <cmath>

#include "numpy_float32_trig.hpp"

namespace zoo::rl {

namespace {

constexpr double kPi = 3.141592653589793;
// gymnasium squares these np.float64 values with `**2`, which NumPy hands to
// pow(); the volatile exponent keeps the compiler from turning pow(x, 2.0)
// into x*x, which rounds differently for a few inputs in a thousand.
double numpy_square(double x) {
    volatile double two = 2.0;
    return std::pow(x, two);
}

// A constant's square as Python's float `**2` gives it (pow()): x * x when
// that product is exact (then pow, within one ulp, returns it too), which
// holds for gymnasium's defaults and spares three pow() calls a step.
double constant_square(double x) {
    const double product = x * x;
    return std::fma(x, x, -product) == 0.0 ? product : numpy_square(x);
}

// The link constants gymnasium's _dsdt reads, with the squares it takes of
// them, computed once per step.
struct Links {
    double m1, m2, l1, lc1, lc2, I1, I2, lc1_squared, l1_squared, lc2_squared;
    bool nips;

    explicit Links(const Acrobot::Parameters& p)
        : m1(p.LINK_MASS_1), m2(p.LINK_MASS_2), l1(p.LINK_LENGTH_1), lc1(p.LINK_COM_POS_1),
          lc2(p.LINK_COM_POS_2), I1(p.LINK_MOI), I2(p.LINK_MOI), lc1_squared(constant_square(lc1)),
          l1_squared(constant_square(l1)), lc2_squared(constant_square(lc2)), nips(p.nips != 0.0) {}
};

// d/dt of (theta1, theta2, dtheta1, dtheta2) under torque a.
void derivatives(const Links& k, const double y[5], double out[5]) {
    const double m1 = k.m1, m2 = k.m2, l1 = k.l1, lc1 = k.lc1, lc2 = k.lc2, I1 = k.I1, I2 = k.I2, g = 9.8;
    const double theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3], a = y[4];
    const double d1 = m1 * k.lc1_squared + m2 * (k.l1_squared + k.lc2_squared + 2 * l1 * lc2 * std::cos(theta2)) +
                      I1 + I2;
    const double d2 = m2 * (k.lc2_squared + l1 * lc2 * std::cos(theta2)) + I2;
    const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - kPi / 2.0);
    const double phi1 = -m2 * l1 * lc2 * numpy_square(dtheta2) * std::sin(theta2) -
                        2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                        (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - kPi / 2) + phi2;
    const double denominator = m2 * k.lc2_squared + I2 - numpy_square(d2) / d1;
    // The "nips" paper's dynamics leave out the book's dtheta1^2 term.
    const double ddtheta2 =
        k.nips ? (a + d2 / d1 * phi1 - phi2) / denominator
               : (a + d2 / d1 * phi1 - m2 * l1 * lc2 * numpy_square(dtheta1) * std::sin(theta2) - phi2) / denominator;
    const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    out[0] = dtheta1;
    out[1] = dtheta2;
    out[2] = ddtheta1;
    out[3] = ddtheta2;
    out[4] = 0.0;
}

// gymnasium's rk4 over t = [0, dt]: one classical Runge-Kutta step on the
// state augmented with the torque, evaluated elementwise as NumPy does.
void rk4_step(const Acrobot::Parameters& p, double y[5]) {
    const Links links(p);
    const double dt = p.dt - 0.0;  // t[1] - t[0]
    const double dt2 = dt / 2.0;
    double k1[5], k2[5], k3[5], k4[5], probe[5];
    derivatives(links, y, k1);
    for (int j = 0; j < 5; ++j) probe[j] = y[j] + dt2 * k1[j];
    derivatives(links, probe, k2);
    for (int j = 0; j < 5; ++j) probe[j] = y[j] + dt2 * k2[j];
    derivatives(links, probe, k3);
    for (int j = 0; j < 5; ++j) probe[j] = y[j] + dt * k3[j];
    derivatives(links, probe, k4);
    const double dt6 = dt / 6.0;
    for (int j = 0; j < 4; ++j) y[j] = y[j] + dt6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

double wrap(double x, double low, double high) {
    // gymnasium's loops take |x| / 2 pi turns, forever for inf; angles this
    // far out come only from a hand-edited record, so they stay as they are
    // rather than hang the caller (the GIL is released around vector steps).
    if (!(std::fabs(x) < 1e6)) return x;
    const double diff = high - low;
    while (x > high) x = x - diff;
    while (x < low) x = x + diff;
    return x;
}

// Python's min(max(x, low), high): ties keep the earlier argument.
double bound(double x, double low, double high) {
    const double lower = low > x ? low : x;
    return high < lower ? high : lower;
}

}  // namespace

Acrobot::Parameters Acrobot::default_parameters() {
    Parameters p;
    p.dt = 0.2;
    p.LINK_LENGTH_1 = 1.0;
    p.LINK_LENGTH_2 = 1.0;
    p.LINK_MASS_1 = 1.0;
    p.LINK_MASS_2 = 1.0;
    p.LINK_COM_POS_1 = 0.5;
    p.LINK_COM_POS_2 = 0.5;
    p.LINK_MOI = 1.0;
    p.MAX_VEL_1 = 4 * kPi;
    p.MAX_VEL_2 = 9 * kPi;
    p.torque_noise_max = 0.0;
    p.nips = 0.0;
    p.AVAIL_TORQUE_0 = -1.0;
    p.AVAIL_TORQUE_1 = 0.0;
    p.AVAIL_TORQUE_2 = 1.0;
    return p;
}

void Acrobot::reset_within(const Acrobot&, State& s, double low, double high, float* observation) {
    NumpyRandom rng(s.rng);
    // uniform(size=(4,)).astype(np.float32): the state itself is float32 until the first step.
    float start[4];
    for (float& value : start) value = static_cast<float>(rng.uniform(low, high));
    s.theta1 = start[0];
    s.theta2 = start[1];
    s.dtheta1 = start[2];
    s.dtheta2 = start[3];
    observation[0] = numpy_float32::cos(start[0]);
    observation[1] = numpy_float32::sin(start[0]);
    observation[2] = numpy_float32::cos(start[1]);
    observation[3] = numpy_float32::sin(start[1]);
    observation[4] = start[2];
    observation[5] = start[3];
}

Transition Acrobot::step(const Acrobot&, State& s, std::int64_t action, float* observation) {
    const Parameters& p = s.parameters;
    const double torques[3] = {p.AVAIL_TORQUE_0, p.AVAIL_TORQUE_1, p.AVAIL_TORQUE_2};
    double torque = torques[action];
    if (p.torque_noise_max > 0) {
        NumpyRandom rng(s.rng);
        torque += rng.uniform(-p.torque_noise_max, p.torque_noise_max);
    }
    double y[5] = {s.theta1, s.theta2, s.dtheta1, s.dtheta2, torque};
    rk4_step(p, y);
    s.theta1 = wrap(y[0], -kPi, kPi);
    s.theta2 = wrap(y[1], -kPi, kPi);
    s.dtheta1 = bound(y[2], -p.MAX_VEL_1, p.MAX_VEL_1);
    s.dtheta2 = bound(y[3], -p.MAX_VEL_2, p.MAX_VEL_2);

    observation[0] = static_cast<float>(std::cos(s.theta1));
    observation[1] = static_cast<float>(std::sin(s.theta1));
    observation[2] = static_cast<float>(std::cos(s.theta2));
    observation[3] = static_cast<float>(std::sin(s.theta2));
    observation[4] = static_cast<float>(s.dtheta1);
    observation[5] = static_cast<float>(s.dtheta2);

    Transition t;
    // The free end is above the bar: -cos(theta1) - cos(theta1 + theta2) > 1.
    t.terminated = -std::cos(s.theta1) - std::cos(s.theta2 + s.theta1) > 1.0;
    t.reward = t.terminated ? 0.0 : -1.0;
    return t;
}

}  // namespace zoo::rl
