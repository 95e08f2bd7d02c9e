// Strong Wolfe line search (Nocedal & Wright 2006, Algorithms 3.5 and 3.6).
#include <cmath>
#include <limits>

#include "zoo/logistic.hpp"

namespace zoo::logistic {

namespace {

constexpr double kSufficientDecrease = 1e-4;  // c1
constexpr double kCurvature = 0.9;            // c2, the usual value for quasi-Newton and Newton steps

struct Trial {
    double step;
    double value;
    double slope;  // derivative of the objective along the direction at `step`
};

// Minimiser of the cubic matching values and slopes at a and b (N&W eq. 3.59),
// kept at least 10% of the interval away from both ends; bisection when the
// cubic has no minimiser there.
double interpolate(const Trial& a, const Trial& b) {
    const double low = std::min(a.step, b.step), high = std::max(a.step, b.step);
    const double margin = 0.1 * (high - low);
    const double d1 = a.slope + b.slope - 3.0 * (a.value - b.value) / (a.step - b.step);
    const double radicand = d1 * d1 - a.slope * b.slope;
    double step = 0.5 * (low + high);
    if (radicand >= 0 && std::isfinite(radicand)) {
        const double d2 = std::copysign(std::sqrt(radicand), b.step - a.step);
        const double denominator = b.slope - a.slope + 2.0 * d2;
        if (denominator != 0) {
            const double candidate = b.step - (b.step - a.step) * (b.slope + d2 - d1) / denominator;
            if (std::isfinite(candidate)) step = candidate;
        }
    }
    return std::min(std::max(step, low + margin), high - margin);
}

}  // namespace

template <class T>
bool wolfe_line_search(Objective<T>& objective, std::vector<double>& x, double& f, std::vector<double>& g,
                       const std::vector<double>& direction, double first_step, int max_evaluations) {
    const double slope0 = vec::dot(g, direction);
    if (!(slope0 < 0)) return false;
    std::vector<double> trial_x(x.size()), trial_g(x.size());
    const auto evaluate = [&](double step) {
        for (std::size_t i = 0; i < x.size(); ++i) trial_x[i] = x[i] + step * direction[i];
        double value = objective.value_gradient(trial_x.data(), trial_g.data());
        if (!std::isfinite(value)) value = std::numeric_limits<double>::infinity();
        return Trial{step, value, vec::dot(trial_g, direction)};
    };
    const auto accept = [&](const Trial& t) {
        x.swap(trial_x);
        g.swap(trial_g);
        f = t.value;
        return true;
    };
    const auto sufficient = [&](const Trial& t) { return t.value <= f + kSufficientDecrease * t.step * slope0; };
    const auto flat = [&](const Trial& t) { return std::abs(t.slope) <= -kCurvature * slope0; };

    // Zoom (Algorithm 3.6): `low` satisfies sufficient decrease with the lowest
    // value seen; the interval between low and high holds an acceptable step.
    int evaluations = 0;
    const auto zoom = [&](Trial low, Trial high) {
        while (evaluations < max_evaluations) {
            const double step = interpolate(low, high);
            if (!(std::abs(high.step - low.step) > 1e-16 * std::max(1.0, std::abs(low.step)))) return false;
            const Trial t = evaluate(step);
            ++evaluations;
            if (!sufficient(t) || t.value >= low.value) {
                high = t;
            } else {
                if (flat(t)) return accept(t);
                if (t.slope * (high.step - low.step) >= 0) high = low;
                low = t;
            }
        }
        return false;
    };

    // Bracketing (Algorithm 3.5): grow the step until it overshoots.
    Trial previous{0.0, f, slope0};
    double step = first_step;
    while (evaluations < max_evaluations) {
        const Trial t = evaluate(step);
        ++evaluations;
        if (!sufficient(t) || (evaluations > 1 && t.value >= previous.value)) return zoom(previous, t);
        if (flat(t)) return accept(t);
        if (t.slope >= 0) return zoom(t, previous);
        previous = t;
        step *= 2.0;
    }
    return false;
}

template bool wolfe_line_search<float>(Objective<float>&, std::vector<double>&, double&, std::vector<double>&,
                                       const std::vector<double>&, double, int);
template bool wolfe_line_search<double>(Objective<double>&, std::vector<double>&, double&, std::vector<double>&,
                                        const std::vector<double>&, double, int);

}  // namespace zoo::logistic
