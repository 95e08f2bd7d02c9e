// Squared-hinge linear SVMs in the primal:
//   f(w) = 1/2 |w|^2 + sum_i C_i max(0, 1 - y_i w . x_i)^2
// (x_i carrying the bias feature), minimised by Newton's method. f is
// piecewise quadratic; its generalised Hessian I + 2 sum_{violators} C_i x_i x_i'
// (Mangasarian 2002) is formed by SYRK, so each step reads X a few times and
// does BLAS-3 work, where dual coordinate descent may need hundreds of sweeps
// on noisy data with many samples (Keerthi & DeCoste 2005).
//
// Unscaled features (raw pixels of 0..255) multiply C in effect by their
// squared scale: the problem is close to a hard margin and badly conditioned.
// Three choices make the solver hold up there:
// - The stopping test is relative to f, not to the gradient at w = 0: f is
//   1-strongly convex, so f(w) - min f <= |g|^2 / 2, and |g|^2 / 2 <= tol f(w)
//   bounds the relative error of the objective by tol whatever the scale of
//   X. The gradient at w = 0 grows with the scale of X while the gradient
//   near the optimum shrinks with it, so |g| <= tol |g(0)| stopped 10-30
//   times above the optimal objective on 0..255 pixels, and called it
//   converged.
// - The step length is the exact minimiser of f along the Newton direction
//   (Keerthi & DeCoste's exact line search). Each step moves margins across
//   1; halving the step until Armijo's test passed took up to 8 times as
//   many steps.
// - Near a hard margin each step changes the violators by a row or two, for
//   hundreds of steps: the Cholesky factor is then updated by rotations, not
//   formed again (NewtonSystem).
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

// Row i's share of the generalised Hessian is u u' with u = sqrt(2 C_i) [x_i, bias];
// rows whose margin is violated (r_i > 0) carry it.
bool carries_curvature(const Problem& p, const double* z, index_t i) {
    return p.c[i] > 0.0 && 1.0 - p.y[i] * z[i] > 0.0;
}

void curvature_row(const Problem& p, index_t i, double* u) {
    const double scale = std::sqrt(2.0 * p.c[i]);
    const double* xi = p.x + i * p.d;
    for (index_t f = 0; f < p.d; ++f) u[f] = scale * xi[f];
    if (p.width > p.d) u[p.d] = scale * p.bias;
}

// The Cholesky factor U (H = U'U, upper triangle, row-major) of the
// generalised Hessian H = I + 2 sum_{r_i > 0} C_i x_i x_i', kept in step with
// the margins. When many rows enter or leave the violators, H is formed again
// by SYRK and factorised; when few do, U is updated by one sweep of plane
// rotations per row, O(d^2) against O(|violators| d^2 + d^3 / 3). Near a hard
// margin the exact line search stops where the next margin crosses 1, and
// hundreds of steps each change one or two rows.
class NewtonSystem {
public:
    NewtonSystem(const Problem& p)
        : p_(p),
          u_(static_cast<std::size_t>(p.width * p.width)),
          block_(static_cast<std::size_t>(kRowBlock * p.width)),
          row_(static_cast<std::size_t>(p.width)),
          in_(static_cast<std::size_t>(p.n), 0) {}

    // Brings U to the violators of the margins z; fresh = true forms it anew.
    void track(const double* z, bool fresh) {
        index_t violators = 0, changed = 0;
        for (index_t i = 0; i < p_.n; ++i) {
            const bool now = carries_curvature(p_, z, i);
            violators += now;
            changed += now != static_cast<bool>(in_[i]);
        }
        if (changed == 0 && !fresh && factored_) return;
        // A sweep (2 d^2 flops, not BLAS-3) takes as long as SYRK takes over
        // about 8 rows (measured at d = 785); refactorising costs SYRK over
        // the violators plus POTRF, about d / 3 rows more. A limit on the
        // sweeps between refactorisations bounds their rounding.
        fresh_ = fresh || !factored_ || 8 * changed > violators + p_.width / 3 ||
                 updates_ + changed > std::max<index_t>(p_.width, 64);
        if (!fresh_) {
            for (index_t i = 0; i < p_.n && !fresh_; ++i) {
                const bool now = carries_curvature(p_, z, i);
                if (now == static_cast<bool>(in_[i])) continue;
                curvature_row(p_, i, row_.data());
                fresh_ = !rotate(now ? 1.0 : -1.0);
                in_[i] = now;
            }
            updates_ += changed;
        }
        if (fresh_) refactor(z);
    }

    // Whether the last track() formed U anew (no rotations since).
    bool fresh() const { return fresh_; }

    // rhs <- H^{-1} rhs.
    void solve(double* rhs) const {
        const lapack_int n = static_cast<lapack_int>(p_.width);
        if (scipy_LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', n, 1, u_.data(), n, rhs, n) != 0)
            throw std::runtime_error("LinearSVC: the Newton system could not be solved");
    }

private:
    void refactor(const double* z) {
        const index_t width = p_.width;
        std::fill(u_.begin(), u_.end(), 0.0);
        index_t filled = 0;
        auto flush = [&] {
            if (filled == 0) return;
            blas::syrk_gram(static_cast<int>(width), static_cast<int>(filled), 1.0, block_.data(),
                            static_cast<int>(width), 1.0, u_.data(), static_cast<int>(width));
            filled = 0;
        };
        for (index_t i = 0; i < p_.n; ++i) {
            in_[i] = carries_curvature(p_, z, i);
            if (!in_[i]) continue;
            curvature_row(p_, i, block_.data() + filled * width);
            if (++filled == kRowBlock) flush();
        }
        flush();
        for (index_t f = 0; f < width; ++f) u_[f * width + f] += 1.0;
        // Row-major upper is column-major lower: LAPACK reads U in place as
        // L = U' (H = L L'), with no transposed copy, and U's rows, which the
        // rotations sweep, are L's contiguous columns.
        const lapack_int n = static_cast<lapack_int>(width);
        if (scipy_LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', n, u_.data(), n) != 0)
            // H = I + 2 C X_a^T X_a is positive definite; it fails only when
            // the data's scale drowns the identity (or overflows).
            throw std::invalid_argument(
                "LinearSVC: the primal solver's Newton system is singular to working precision, because X's "
                "values are too large next to the regularisation; scale X (e.g. with "
                "zoo.preprocessing.StandardScaler) or use dual=True");
        factored_ = true;
        fresh_ = true;
        updates_ = 0;
    }

    // U'U + sign row_ row_' by plane rotations (sign -1: hyperbolic ones);
    // false when a downdate leaves a pivot that is not positive, U then being
    // unusable until refactor().
    bool rotate(double sign) {
        const index_t width = p_.width;
        double* x = row_.data();
        for (index_t k = 0; k < width; ++k) {
            double* uk = u_.data() + k * width;
            const double pivot = uk[k], squared = pivot * pivot + sign * x[k] * x[k];
            if (!(squared > 0.0) || !std::isfinite(squared)) return false;
            const double r = std::sqrt(squared), c = r / pivot, s = x[k] / pivot, inv_c = pivot / r;
            uk[k] = r;
            for (index_t j = k + 1; j < width; ++j) {
                uk[j] = (uk[j] + sign * s * x[j]) * inv_c;
                x[j] = c * x[j] - s * uk[j];
            }
        }
        return true;
    }

    const Problem& p_;
    std::vector<double> u_, block_, row_;
    std::vector<char> in_;  // rows whose share U holds
    index_t updates_ = 0;   // rotation sweeps since U was formed
    bool factored_ = false, fresh_ = false;
};

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
        trial(static_cast<std::size_t>(width));
    NewtonSystem system(p);
    auto squared_norm = [](const std::vector<double>& a) {
        double s = 0.0;
        for (double e : a) s += e * e;
        return s;
    };
    gradient(p, w, z.data(), v, g.data());
    double value = objective(p, w, z.data());
    std::int64_t iter = 0;
    bool refactor = false, exact_margins = true;
    while (true) {
        if (0.5 * squared_norm(g) <= o.tol * value) {
            if (exact_margins) break;
            // The margins were moved along with w (z += t X step); the test
            // that ends the solve is made on margins computed from X.
            margins(p, w, z.data());
            value = objective(p, w, z.data());
            gradient(p, w, z.data(), v, g.data());
            exact_margins = true;
            continue;
        }
        if (iter == o.max_iter) return {iter, Exit::max_iter};
        if (interrupt) interrupt();
        // Newton direction: H step = -g.
        system.track(z.data(), refactor);
        for (index_t f = 0; f < width; ++f) step[f] = -g[f];
        system.solve(step.data());
        double slope = 0.0;
        for (index_t f = 0; f < width; ++f) slope += g[f] * step[f];
        double next = value;
        if (slope < 0.0) {
            margins(p, step.data(), dz.data());
            const double t = exact_step(p, w, step.data(), z.data(), dz.data());
            for (index_t f = 0; f < width; ++f) trial[f] = w[f] + t * step[f];
            for (index_t i = 0; i < p.n; ++i) dz[i] = z[i] + t * dz[i];
            next = objective(p, trial.data(), dz.data());
        }
        // A step that does not lower f is rounding noise: the factor, if
        // rotated, is tried again formed anew; otherwise the direction or the
        // objective has run out of precision short of tol.
        if (!(next < value)) {
            if (system.fresh()) return {iter, Exit::stalled};
            refactor = true;
            continue;
        }
        refactor = false;
        exact_margins = false;
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
    const int n_threads = detail::linear_problems_team(n, d, n_problems, options.n_threads);
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
