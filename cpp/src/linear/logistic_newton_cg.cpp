// Truncated Newton (line-search Newton-CG, Nocedal & Wright 2006,
// Algorithm 7.1): conjugate gradients on H p = -g with Hessian-vector
// products, stopped at a residual that shrinks with the gradient, then a
// strong Wolfe line search from the full step.
#include <algorithm>
#include <cmath>
#include <limits>

#include "zoo/logistic.hpp"

namespace zoo::logistic {

namespace {

constexpr double kRelativeReduction = 64 * std::numeric_limits<double>::epsilon();

// Approximately solves H p = -g; returns false when H has no positive
// curvature along -g (no Newton-like direction at all).
template <class T>
bool newton_direction(Objective<T>& objective, const std::vector<double>& g, std::vector<double>& p, int max_inner) {
    const std::size_t m = g.size();
    std::vector<double> r = g, d(m), hd(m);
    for (std::size_t i = 0; i < m; ++i) d[i] = -r[i];
    std::fill(p.begin(), p.end(), 0.0);
    const double g_norm = vec::sum_abs(g);
    // Forcing sequence min(0.5, sqrt(|g|)) |g|: superlinear convergence near the optimum.
    const double stop = std::min(0.5, std::sqrt(g_norm)) * g_norm;
    double rr = vec::dot(r, r);
    for (int inner = 0; inner < max_inner; ++inner) {
        if (vec::sum_abs(r) <= stop) break;
        objective.hessian_vector(d.data(), hd.data());
        const double curvature = vec::dot(d, hd);
        if (!(curvature > 16 * std::numeric_limits<double>::epsilon() * rr)) {
            if (inner == 0) return false;
            break;  // negative or zero curvature: keep the direction found so far
        }
        const double alpha = rr / curvature;
        for (std::size_t i = 0; i < m; ++i) {
            p[i] += alpha * d[i];
            r[i] += alpha * hd[i];
        }
        const double rr_next = vec::dot(r, r);
        const double beta = rr_next / rr;
        rr = rr_next;
        for (std::size_t i = 0; i < m; ++i) d[i] = -r[i] + beta * d[i];
    }
    return true;
}

}  // namespace

template <class T>
FitResult fit_newton_cg(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt) {
    Objective<T> objective(problem, n_threads, /*with_hessian=*/true);
    const std::size_t m = static_cast<std::size_t>(problem.size());
    std::vector<double> x(theta, theta + m), g(m), p(m);
    double f = objective.value_gradient(x.data(), g.data());
    FitResult result{0, f, Status::max_iter};
    const int max_inner = std::max<int>(200, static_cast<int>(std::min<std::size_t>(m, 1000)));
    while (true) {
        if (vec::max_abs(g) <= tol) {
            result.status = Status::converged;
            break;
        }
        if (result.n_iter >= max_iter) break;
        check_interrupt(interrupt);
        // The Hessian products use the curvature stored by the last
        // evaluation, which is always at x (the line search ends on its
        // accepted point).
        double first_step = 1.0;
        if (!newton_direction(objective, g, p, max_inner)) {
            for (std::size_t i = 0; i < m; ++i) p[i] = -g[i];
            first_step = std::min(1.0, 1.0 / std::sqrt(vec::dot(g, g)));
        }
        const double f_old = f;
        if (!wolfe_line_search(objective, x, f, g, p, first_step)) {
            result.status = Status::line_search_failed;
            break;
        }
        ++result.n_iter;
        if (f_old - f <= kRelativeReduction * std::max({std::abs(f_old), std::abs(f), 1.0})) {
            result.status = Status::converged;
            break;
        }
    }
    std::copy(x.begin(), x.end(), theta);
    result.objective = f;
    return result;
}

template FitResult fit_newton_cg<float>(const Problem<float>&, double*, int, double, int, const InterruptCheck&);
template FitResult fit_newton_cg<double>(const Problem<double>&, double*, int, double, int, const InterruptCheck&);

}  // namespace zoo::logistic
