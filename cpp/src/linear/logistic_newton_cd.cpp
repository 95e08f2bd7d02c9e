// Proximal Newton with coordinate descent inside, for the l1 and elastic-net
// penalties (the newGLMNET scheme of Yuan, Ho & Lin 2012, extended to the
// full multinomial Hessian): at each outer iteration the smooth part is
// replaced by its second-order model, the model plus the l1 term is
// minimised approximately by cyclic coordinate descent over the coordinates
// that can be non-zero, and a backtracking line search on the true objective
// (Armijo rule of Tseng & Yun 2009) takes the step.
#include <algorithm>
#include <cmath>
#include <limits>

#include "zoo/blas.hpp"
#include "zoo/logistic.hpp"

namespace zoo::logistic {

namespace {

constexpr double kRelativeReduction = 64 * std::numeric_limits<double>::epsilon();
constexpr double kArmijo = 0.01;  // sigma of the sufficient decrease rule
constexpr int kMaxSweeps = 30;   // coordinate sweeps per outer iteration
constexpr int kMaxHalvings = 40;

double soft_threshold(double v, double t) { return std::copysign(std::max(std::abs(v) - t, 0.0), v); }

}  // namespace

template <class T>
FitResult fit_newton_cd(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt) {
    Objective<T> objective(problem, n_threads, /*with_hessian=*/true);
    const index_t n = problem.n, d = problem.d, k = problem.rows(), columns = problem.columns();
    const bool binary = problem.n_classes == 2;
    const double scale = problem.scale, l1 = problem.l1, l2 = problem.l2;
    const std::size_t m = static_cast<std::size_t>(problem.size());

    // X by columns for the coordinate passes, and X∘X for the Hessian diagonal.
    std::vector<T> xt(static_cast<std::size_t>(d * n)), x2(static_cast<std::size_t>(n * d));
    for (index_t i0 = 0; i0 < n; i0 += 64) {
        const index_t i1 = std::min(n, i0 + 64);
        for (index_t j = 0; j < d; ++j)
            for (index_t i = i0; i < i1; ++i) xt[j * n + i] = problem.x[i * d + j];
    }
    for (index_t i = 0; i < n * d; ++i) x2[i] = problem.x[i] * problem.x[i];

    const auto l1_norm = [&](const std::vector<double>& v) {
        double s = 0.0;
        for (index_t c = 0; c < k; ++c)
            for (index_t j = 0; j < d; ++j) s += std::abs(v[c * columns + j]);
        return s;
    };

    std::vector<double> x(theta, theta + m), g(m), trial(m), trial_g(m), delta(m), diagonal(m);
    std::vector<double> z_delta(static_cast<std::size_t>(k * n)), mixed(binary ? 0 : n);
    std::vector<double> prob(binary ? 0 : k * n), weighted(k * n);  // class-major copies of the curvature
    std::vector<T> hessian_weight(static_cast<std::size_t>(n * k)), diagonal_t(static_cast<std::size_t>(k * d));
    std::vector<index_t> active;
    double f = objective.value_gradient(x.data(), g.data());
    double total = f + l1 * l1_norm(x);
    FitResult result{0, total, Status::max_iter};

    while (true) {
        const double violation = optimality(k, columns, d, l1, x.data(), g.data());
        if (violation <= tol) {
            result.status = Status::converged;
            break;
        }
        if (result.n_iter >= max_iter) break;
        check_interrupt(interrupt);

        // The curvature at x, class by class: binary w p (1 - p); multinomial
        // p_c and w p_c, whose diagonal is w p_c (1 - p_c).
        const T* curvature = objective.curvature();
        for (index_t i = 0; i < n; ++i) {
            for (index_t c = 0; c < k; ++c) {
                const double p = curvature[i * k + c];
                if (binary) {
                    weighted[i] = p;
                    hessian_weight[i] = static_cast<T>(p);
                } else {
                    const double w = problem.weight[i];
                    prob[c * n + i] = p;
                    weighted[c * n + i] = w * p;
                    hessian_weight[i * k + c] = static_cast<T>(w * p * (1.0 - p));
                }
            }
        }
        // Diagonal of the Hessian: scale * (X∘X)^T h + l2, by one GEMM.
        {
            blas::ThreadsScope threads(n_threads);
            blas::gemm(true, false, static_cast<int>(k), static_cast<int>(d), static_cast<int>(n), T(1),
                       hessian_weight.data(), static_cast<int>(k), x2.data(), static_cast<int>(d), T(0),
                       diagonal_t.data(), static_cast<int>(d));
        }
        for (index_t c = 0; c < k; ++c) {
            double intercept = 0.0;
            for (index_t i = 0; i < n; ++i) intercept += static_cast<double>(hessian_weight[i * k + c]);
            for (index_t j = 0; j < d; ++j) diagonal[c * columns + j] = scale * diagonal_t[c * d + j] + l2;
            if (problem.fit_intercept) diagonal[c * columns + d] = std::max(scale * intercept, 1e-300);
        }

        // Coordinates that may move: non-zero ones, intercepts, and zeros
        // whose gradient comes near the l1 threshold (the others stay at zero
        // in the model's minimiser to first order).
        active.clear();
        for (index_t c = 0; c < k; ++c)
            for (index_t j = 0; j < columns; ++j) {
                const index_t at = c * columns + j;
                if (j == d || l1 == 0 || x[at] != 0 || std::abs(g[at]) > 0.9 * l1) active.push_back(at);
            }

        // Coordinate descent on the model. z_delta = X delta_W^T + delta_b
        // (class-major) and, for the softmax, mixed_i = sum_c p_ic z_delta_ic
        // keep each coordinate's model gradient at O(n).
        std::fill(delta.begin(), delta.end(), 0.0);
        std::fill(z_delta.begin(), z_delta.end(), 0.0);
        std::fill(mixed.begin(), mixed.end(), 0.0);
        const double inner_tol = std::max(0.1 * violation, 0.1 * tol);
        for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
            double largest = 0.0;
            for (const index_t at : active) {
                const index_t c = at / columns, j = at % columns;
                const T* column = j < d ? xt.data() + j * n : nullptr;
                double* zc = z_delta.data() + c * n;
                const double* wc = weighted.data() + (binary ? 0 : c * n);
                // simd reductions: the sums may be reassociated, so they vectorise.
                double dot = 0.0;
                const double* mix = mixed.data();
                if (binary) {
                    if (column) {
#pragma omp simd reduction(+ : dot)
                        for (index_t i = 0; i < n; ++i) dot += static_cast<double>(column[i]) * wc[i] * zc[i];
                    } else {
#pragma omp simd reduction(+ : dot)
                        for (index_t i = 0; i < n; ++i) dot += wc[i] * zc[i];
                    }
                } else {
                    if (column) {
#pragma omp simd reduction(+ : dot)
                        for (index_t i = 0; i < n; ++i) dot += static_cast<double>(column[i]) * wc[i] * (zc[i] - mix[i]);
                    } else {
#pragma omp simd reduction(+ : dot)
                        for (index_t i = 0; i < n; ++i) dot += wc[i] * (zc[i] - mix[i]);
                    }
                }
                const double a = diagonal[at];
                const double model_gradient = g[at] + scale * dot + (column ? l2 * delta[at] : 0.0);
                const double current = x[at] + delta[at];
                double target = current - model_gradient / a;
                if (column && l1 > 0) target = soft_threshold(target, l1 / a);
                const double step = target - current;
                if (step == 0.0) continue;
                delta[at] += step;
                largest = std::max(largest, std::abs(step) * a);
                const double* pc = binary ? nullptr : prob.data() + c * n;
                double* mixed_out = mixed.data();
                if (column && pc) {
                    for (index_t i = 0; i < n; ++i) {
                        const double change = step * static_cast<double>(column[i]);
                        zc[i] += change;
                        mixed_out[i] += change * pc[i];
                    }
                } else if (column) {
                    for (index_t i = 0; i < n; ++i) zc[i] += step * static_cast<double>(column[i]);
                } else {
                    for (index_t i = 0; i < n; ++i) zc[i] += step;
                    if (pc)
                        for (index_t i = 0; i < n; ++i) mixed_out[i] += step * pc[i];
                }
            }
            if (largest <= inner_tol) break;
        }

        // Backtracking on F = f + l1 ||W||_1 along delta.
        double decrease = vec::dot(g, delta);
        {
            for (std::size_t i = 0; i < m; ++i) trial[i] = x[i] + delta[i];
            decrease += l1 * (l1_norm(trial) - l1_norm(x));
        }
        if (!(decrease < 0)) {
            result.status = Status::line_search_failed;
            break;
        }
        double step = 1.0, trial_total = 0.0, trial_f = 0.0;
        bool accepted = false;
        for (int halving = 0; halving < kMaxHalvings; ++halving, step *= 0.5) {
            for (std::size_t i = 0; i < m; ++i) trial[i] = x[i] + step * delta[i];
            trial_f = objective.value_gradient(trial.data(), trial_g.data());
            trial_total = trial_f + l1 * l1_norm(trial);
            if (trial_total <= total + kArmijo * step * decrease) {
                accepted = true;
                break;
            }
        }
        if (!accepted) {
            // The objective holds the curvature of a rejected point now.
            f = objective.value_gradient(x.data(), g.data());
            result.status = Status::line_search_failed;
            break;
        }
        ++result.n_iter;
        const double previous = total;
        x.swap(trial);
        g.swap(trial_g);
        f = trial_f;
        total = trial_total;
        if (previous - total <= kRelativeReduction * std::max({std::abs(previous), std::abs(total), 1.0})) {
            result.status = Status::converged;
            break;
        }
    }
    std::copy(x.begin(), x.end(), theta);
    result.objective = total;
    return result;
}

template FitResult fit_newton_cd<float>(const Problem<float>&, double*, int, double, int, const InterruptCheck&);
template FitResult fit_newton_cd<double>(const Problem<double>&, double*, int, double, int, const InterruptCheck&);

}  // namespace zoo::logistic
