// Squared-hinge linear SVMs in the primal:
//   f(w) = 1/2 |w|^2 + sum_i C_i max(0, 1 - y_i w . x_i)^2
// (x_i carrying the bias feature), minimised by Newton's method. f is
// piecewise quadratic; its generalised Hessian I + 2 sum_{violators} C_i x_i x_i'
// (Mangasarian 2002) is formed by SYRK, so each step reads X a few times and
// does BLAS-3 work, where dual coordinate descent may need hundreds of sweeps
// on noisy data with many samples (Keerthi & DeCoste 2005).
//
// Two choices make it hold up on badly scaled X (raw pixels of 0..255):
// - The step length is the exact minimiser of f along the Newton direction
//   (Keerthi & DeCoste's exact line search). On unscaled data C is in effect
//   multiplied by the squared scale, the problem is close to a hard margin,
//   and a Newton step moves many margins across 1; halving the step until
//   Armijo's test passes then takes hundreds of short steps.
// - The stopping test is relative to f, not to the gradient at w = 0: f is
//   1-strongly convex, so f(w) - min f <= |g|^2 / 2, and |g|^2 / 2 <= tol f(w)
//   bounds the relative error of the objective by tol whatever the scale of
//   X. The gradient at w = 0 grows with the scale of X while the gradient
//   near the optimum shrinks with it, so |g| <= tol |g(0)| stopped 10-30
//   times above the optimal objective on 0..255 pixels.
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"
#include "svm_internal.hpp"
#include "zoo/svm.hpp"

namespace zoo::svm {

namespace {

constexpr index_t kRowBlock = 2048;  // rows gathered per SYRK

struct Problem {
    const double* x;
    index_t n, d, width;
    double bias;
    const double* y;
    const double* c;
};

// margins z = X w (bias feature included).
void margins(const Problem& p, const double* w, double* z) {
    blas::gemv(false, static_cast<int>(p.n), static_cast<int>(p.d), 1.0, p.x, static_cast<int>(p.d), w, 0.0, z);
    if (p.width > p.d)
        for (index_t i = 0; i < p.n; ++i) z[i] += w[p.d] * p.bias;
}

// f(w), given the margins z = X w.
double objective(const Problem& p, const double* w, const double* z) {
    double reg = 0.0;
    for (index_t f = 0; f < p.width; ++f) reg += w[f] * w[f];
    double loss = 0.0;
    for (index_t i = 0; i < p.n; ++i) {
        const double r = 1.0 - p.y[i] * z[i];
        if (r > 0.0) loss += p.c[i] * r * r;
    }
    return 0.5 * reg + loss;
}

// Gradient w - 2 X' v with v_i = C_i y_i r_i over violators (r_i > 0).
void gradient(const Problem& p, const double* w, const double* z, std::vector<double>& v, double* g) {
    for (index_t i = 0; i < p.n; ++i) {
        const double r = 1.0 - p.y[i] * z[i];
        v[i] = r > 0.0 ? p.c[i] * p.y[i] * r : 0.0;
    }
    blas::gemv(true, static_cast<int>(p.n), static_cast<int>(p.d), -2.0, p.x, static_cast<int>(p.d), v.data(), 0.0, g);
    if (p.width > p.d) {
        double s = 0.0;
        for (index_t i = 0; i < p.n; ++i) s += v[i];
        g[p.d] = -2.0 * p.bias * s;
    }
    for (index_t f = 0; f < p.width; ++f) g[f] += w[f];
}

// H = I + 2 sum_{r_i > 0} C_i x_i x_i' (upper triangle), rows gathered in blocks.
void hessian(const Problem& p, const double* z, std::vector<double>& block, double* h) {
    const index_t width = p.width;
    std::fill(h, h + width * width, 0.0);
    index_t filled = 0;
    auto flush = [&] {
        if (filled == 0) return;
        blas::syrk_gram(static_cast<int>(width), static_cast<int>(filled), 1.0, block.data(), static_cast<int>(width),
                        1.0, h, static_cast<int>(width));
        filled = 0;
    };
    for (index_t i = 0; i < p.n; ++i) {
        if (1.0 - p.y[i] * z[i] <= 0.0 || p.c[i] <= 0.0) continue;
        const double scale = std::sqrt(2.0 * p.c[i]);
        double* row = block.data() + filled * width;
        const double* xi = p.x + i * p.d;
        for (index_t f = 0; f < p.d; ++f) row[f] = scale * xi[f];
        if (width > p.d) row[p.d] = scale * p.bias;
        if (++filled == kRowBlock) flush();
    }
    flush();
    for (index_t f = 0; f < width; ++f) h[f * width + f] += 1.0;
}

// Where f is least along w + t step, t > 0. phi(t) = f(w + t step) is a convex
// piecewise quadratic with the non-decreasing, piecewise linear derivative
//   phi'(t) = w.step + t step.step - 2 sum_i C_i q_i max(0, r_i - t q_i),
// r_i = 1 - y_i z_i and q_i = y_i (X step)_i. Newton's method on phi' lands on
// the root once it reaches the root's linear piece; the bracket
// [lo, hi] (phi'(lo) < 0 <= phi'(hi)) catches the steps that overshoot.
double exact_step(const Problem& p, const double* w, const double* step, const double* z, const double* dz) {
    double ws = 0.0, ss = 0.0;
    for (index_t f = 0; f < p.width; ++f) {
        ws += w[f] * step[f];
        ss += step[f] * step[f];
    }
    double lo = 0.0, hi = std::numeric_limits<double>::infinity(), t = 1.0;
    for (int k = 0; k < 100; ++k) {
        double slope = ws + t * ss, curvature = ss;
        for (index_t i = 0; i < p.n; ++i) {
            const double q = p.y[i] * dz[i], r = 1.0 - p.y[i] * z[i] - t * q;
            if (r > 0.0) {
                slope -= 2.0 * p.c[i] * q * r;
                curvature += 2.0 * p.c[i] * q * q;
            }
        }
        if (slope == 0.0) break;
        (slope < 0.0 ? lo : hi) = t;
        double next = t - slope / curvature;
        if (!(next > lo && next < hi)) next = std::isinf(hi) ? 2.0 * t : 0.5 * (lo + hi);
        const bool settled = std::fabs(next - t) <= 1e-12 * t;
        t = next;
        if (settled) break;
    }
    return t;
}

enum class Exit { converged, max_iter, stalled };

struct Solved {
    std::int64_t n_iter;
    Exit exit;
};

Solved solve_one(const Problem& p, const LinearOptions& o, double* w, const InterruptCheck& interrupt) {
    const index_t width = p.width;
    std::fill(w, w + width, 0.0);
    std::vector<double> z(static_cast<std::size_t>(p.n), 0.0), dz(static_cast<std::size_t>(p.n)),
        v(static_cast<std::size_t>(p.n)), g(static_cast<std::size_t>(width)), step(static_cast<std::size_t>(width)),
        trial(static_cast<std::size_t>(width)), h(static_cast<std::size_t>(width * width)),
        block(static_cast<std::size_t>(kRowBlock * width));
    auto squared_norm = [](const std::vector<double>& a) {
        double s = 0.0;
        for (double e : a) s += e * e;
        return s;
    };
    gradient(p, w, z.data(), v, g.data());
    double value = objective(p, w, z.data());
    std::int64_t iter = 0;
    while (0.5 * squared_norm(g) > o.tol * value) {
        if (iter == o.max_iter) return {iter, Exit::max_iter};
        if (interrupt) interrupt();
        // Newton direction: H step = -g.
        hessian(p, z.data(), block, h.data());
        for (index_t f = 0; f < width; ++f) step[f] = -g[f];
        const lapack_int n = static_cast<lapack_int>(width);
        if (scipy_LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', n, h.data(), n) != 0 ||
            scipy_LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'U', n, 1, h.data(), n, step.data(), 1) != 0)
            // H = I + 2 C X_a^T X_a is positive definite; it fails only when
            // the data's scale drowns the identity (or overflows).
            throw std::invalid_argument(
                "LinearSVC: the primal solver's Newton system is singular to working precision, because X's "
                "values are too large next to the regularisation; scale X (e.g. with "
                "zoo.preprocessing.StandardScaler) or use dual=True");
        margins(p, step.data(), dz.data());
        const double t = exact_step(p, w, step.data(), z.data(), dz.data());
        for (index_t f = 0; f < width; ++f) trial[f] = w[f] + t * step[f];
        // Margins from X afresh, not updated by t dz: the stopping test is
        // made on the gradient at the w returned, not on drifted margins.
        margins(p, trial.data(), dz.data());
        const double next = objective(p, trial.data(), dz.data());
        // A step that does not lower f is rounding noise: the direction or
        // the objective has run out of precision short of tol.
        if (!(next < value)) return {iter, Exit::stalled};
        std::copy(trial.begin(), trial.end(), w);
        std::swap(z, dz);
        value = next;
        ++iter;
        gradient(p, w, z.data(), v, g.data());
    }
    return {iter, Exit::converged};
}

}  // namespace

LinearSummary linear_svm_primal_newton(const double* x, index_t n, index_t d, const double* targets,
                                       const double* upper, int n_problems, const LinearOptions& options,
                                       double* w_out, const InterruptCheck& interrupt) {
    detail::check_linear_arguments(upper, n, options);
    const index_t width = d + (options.bias_scale > 0.0 ? 1 : 0);
    std::vector<Solved> solved(static_cast<std::size_t>(n_problems));
    auto run = [&](int p, const InterruptCheck& check) {
        const Problem problem{x, n, d, width, options.bias_scale, targets + static_cast<index_t>(p) * n, upper};
        solved[static_cast<std::size_t>(p)] = solve_one(problem, options, w_out + static_cast<index_t>(p) * width, check);
    };
    const int n_threads = std::min(checked_threads(options.n_threads), std::max(n_problems, 1));
    // Single-threaded BLAS throughout: OpenBLAS's own threads, on calls this
    // small (a GEMV over X, a SYRK of (d+1) columns), cost more than they
    // save and spin on a busy machine. Several problems run in parallel.
    blas::SingleThreadedScope single;
    if (n_threads == 1) {
        for (int p = 0; p < n_problems; ++p) run(p, interrupt);
    } else {
        ExceptionCarrier carrier;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
        for (int p = 0; p < n_problems; ++p) {
            carrier.run([&] {
                const InterruptCheck none;
                run(p, omp_get_thread_num() == 0 ? interrupt : none);
            });
        }
        carrier.rethrow();
    }
    LinearSummary summary;
    for (const Solved& s : solved) {
        summary.max_n_iter = std::max(summary.max_n_iter, s.n_iter);
        summary.reached_max_iter |= s.exit == Exit::max_iter;
        summary.stalled |= s.exit == Exit::stalled;
    }
    return summary;
}

}  // namespace zoo::svm
