// Limited-memory BFGS (Nocedal 1980; Nocedal & Wright 2006, Algorithm 7.5)
// with a strong Wolfe line search.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "zoo/logistic.hpp"

namespace zoo::logistic {

namespace {

constexpr int kMemory = 10;  // correction pairs kept, as scipy's L-BFGS-B default
// Relative reduction of f below which progress has stalled (scipy's factr
// criterion with scikit-learn's ftol = 64 machine epsilons).
constexpr double kRelativeReduction = 64 * std::numeric_limits<double>::epsilon();

struct Pair {
    std::vector<double> s, y;
    double rho;
};

// d = -H g by the two-loop recursion, H0 = (s^T y / y^T y) I from the newest pair.
void two_loop(const std::deque<Pair>& pairs, const std::vector<double>& g, std::vector<double>& d) {
    d = g;
    std::vector<double> alpha(pairs.size());
    for (std::size_t i = pairs.size(); i-- > 0;) {
        alpha[i] = pairs[i].rho * vec::dot(pairs[i].s, d);
        for (std::size_t j = 0; j < d.size(); ++j) d[j] -= alpha[i] * pairs[i].y[j];
    }
    if (!pairs.empty()) {
        const Pair& newest = pairs.back();
        const double gamma = 1.0 / (newest.rho * vec::dot(newest.y, newest.y));
        for (double& v : d) v *= gamma;
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const double beta = pairs[i].rho * vec::dot(pairs[i].y, d);
        for (std::size_t j = 0; j < d.size(); ++j) d[j] += (alpha[i] - beta) * pairs[i].s[j];
    }
    for (double& v : d) v = -v;
}

}  // namespace

template <class T>
FitResult fit_lbfgs(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                    const InterruptCheck& interrupt) {
    Objective<T> objective(problem, n_threads);
    const std::size_t m = static_cast<std::size_t>(problem.size());
    std::vector<double> x(theta, theta + m), g(m), direction(m);
    double f = objective.value_gradient(x.data(), g.data());
    std::deque<Pair> pairs;
    FitResult result{0, f, Status::max_iter};
    while (true) {
        if (vec::max_abs(g) <= tol) {
            result.status = Status::converged;
            break;
        }
        if (result.n_iter >= max_iter) break;
        check_interrupt(interrupt);
        two_loop(pairs, g, direction);
        // Without curvature information the first step is scaled to unit length.
        double first_step = pairs.empty() ? std::min(1.0, 1.0 / std::sqrt(vec::dot(g, g))) : 1.0;
        if (!(vec::dot(g, direction) < 0)) {  // lost positive definiteness: restart from steepest descent
            pairs.clear();
            for (std::size_t i = 0; i < m; ++i) direction[i] = -g[i];
            first_step = std::min(1.0, 1.0 / std::sqrt(vec::dot(g, g)));
        }
        const std::vector<double> x_old = x, g_old = g;
        const double f_old = f;
        bool moved = wolfe_line_search(objective, x, f, g, direction, first_step);
        if (!moved && !pairs.empty()) {  // retry once along steepest descent
            pairs.clear();
            for (std::size_t i = 0; i < m; ++i) direction[i] = -g[i];
            moved = wolfe_line_search(objective, x, f, g, direction, std::min(1.0, 1.0 / std::sqrt(vec::dot(g, g))));
        }
        if (!moved) {
            result.status = Status::line_search_failed;
            break;
        }
        ++result.n_iter;
        Pair pair{std::vector<double>(m), std::vector<double>(m), 0.0};
        for (std::size_t i = 0; i < m; ++i) {
            pair.s[i] = x[i] - x_old[i];
            pair.y[i] = g[i] - g_old[i];
        }
        const double sy = vec::dot(pair.s, pair.y);
        if (sy > std::numeric_limits<double>::epsilon() * vec::dot(pair.y, pair.y)) {
            pair.rho = 1.0 / sy;
            if (pairs.size() == kMemory) pairs.pop_front();
            pairs.push_back(std::move(pair));
        }
        if (f_old - f <= kRelativeReduction * std::max({std::abs(f_old), std::abs(f), 1.0})) {
            result.status = Status::converged;
            break;
        }
    }
    std::copy(x.begin(), x.end(), theta);
    result.objective = f;
    return result;
}

template FitResult fit_lbfgs<float>(const Problem<float>&, double*, int, double, int, const InterruptCheck&);
template FitResult fit_lbfgs<double>(const Problem<double>&, double*, int, double, int, const InterruptCheck&);

}  // namespace zoo::logistic
