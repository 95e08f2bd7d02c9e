// FISTA (Beck & Teboulle 2009) for the l1 and elastic-net penalties: a
// proximal-gradient step (soft-thresholding of W, the intercept left
// alone) from an extrapolated point, with backtracking on the step size and
// the gradient-based adaptive restart of O'Donoghue & Candes (2015).
#include <algorithm>
#include <cmath>
#include <limits>

#include "zoo/logistic.hpp"

namespace zoo::logistic {

template <class T>
FitResult fit_fista(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                    const InterruptCheck& interrupt) {
    Objective<T> objective(problem, n_threads);
    const std::size_t m = static_cast<std::size_t>(problem.size());
    const index_t columns = problem.columns(), d = problem.d;
    const double l1 = problem.l1;
    const auto penalty = [&](const std::vector<double>& v) {
        double s = 0.0;
        for (std::size_t i = 0; i < m; ++i)
            if (static_cast<index_t>(i) % columns < d) s += std::abs(v[i]);
        return l1 * s;
    };
    std::vector<double> x(theta, theta + m), y = x, g(m), z(m), diff(m);
    double f_y = objective.value_gradient(y.data(), g.data());
    double total_x = f_y + penalty(x);
    double lipschitz = 1.0;  // a guess; backtracking doubles it until the step is safe
    double momentum = 1.0;
    FitResult result{0, total_x, Status::max_iter};
    // At the start point the minimum-norm subgradient may already be small.
    if (optimality(problem.rows(), columns, d, l1, x.data(), g.data()) <= tol) {
        result.status = Status::converged;
        return result;
    }
    while (result.n_iter < max_iter) {
        check_interrupt(interrupt);
        double f_z = 0.0;
        while (true) {
            // z = prox_{l1 / L}(y - g / L)
            const double threshold = l1 / lipschitz;
            double model = f_y, gap = 0.0;
            for (std::size_t i = 0; i < m; ++i) {
                double v = y[i] - g[i] / lipschitz;
                if (static_cast<index_t>(i) % columns < d) v = std::copysign(std::max(std::abs(v) - threshold, 0.0), v);
                z[i] = v;
                diff[i] = v - y[i];
                model += g[i] * diff[i];
                gap += diff[i] * diff[i];
            }
            f_z = objective.value_gradient(z.data(), nullptr);
            // Sufficient decrease of the quadratic upper model; the small
            // relative slack absorbs rounding once steps become tiny.
            if (f_z <= model + 0.5 * lipschitz * gap + 1e-12 * std::abs(f_y)) break;
            lipschitz *= 2.0;
            if (!std::isfinite(lipschitz) || lipschitz > 1e300) {
                result.status = Status::line_search_failed;
                std::copy(x.begin(), x.end(), theta);
                result.objective = total_x;
                return result;
            }
        }
        ++result.n_iter;
        // The gradient mapping L (y - z) vanishes exactly at a minimiser.
        const double mapping = lipschitz * vec::max_abs(diff);
        const double total_z = f_z + penalty(z);
        double restart = 0.0;
        for (std::size_t i = 0; i < m; ++i) restart += (y[i] - z[i]) * (z[i] - x[i]);
        if (restart > 0 || total_z > total_x) {
            momentum = 1.0;
            y = z;
        } else {
            const double next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * momentum * momentum));
            const double beta = (momentum - 1.0) / next;
            for (std::size_t i = 0; i < m; ++i) y[i] = z[i] + beta * (z[i] - x[i]);
            momentum = next;
        }
        x.swap(z);
        total_x = total_z;
        if (mapping <= tol) {
            result.status = Status::converged;
            break;
        }
        f_y = objective.value_gradient(y.data(), g.data());
        lipschitz *= 0.9;  // let the step grow back where the curvature is lower
    }
    std::copy(x.begin(), x.end(), theta);
    result.objective = total_x;
    return result;
}

template FitResult fit_fista<float>(const Problem<float>&, double*, int, double, int, const InterruptCheck&);
template FitResult fit_fista<double>(const Problem<double>&, double*, int, double, int, const InterruptCheck&);

}  // namespace zoo::logistic
