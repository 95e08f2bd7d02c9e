// Linear SVMs by dual coordinate descent (Hsieh, Chang, Lin, Keerthi &
// Sundararajan 2008, Algorithm 3 with shrinking):
//   min_a 1/2 a' (Q + D) a - e' a,  0 <= a_i <= U_i,  Q_ij = y_i y_j x_i . x_j,
// hinge loss: D = 0, U_i = C_i; squared hinge: D_ii = 1 / (2 C_i), U_i = inf.
// w = sum_i y_i a_i x_i is kept up to date, so one coordinate costs two
// passes over a row: over its d values for dense X, over its stored entries
// for CSR X (liblinear's form, where text data's rows hold a few hundred).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "zoo/parallel.hpp"
#include "zoo/rng.hpp"
#include "zoo/sparse.hpp"
#include "svm_internal.hpp"
#include "zoo/svm.hpp"

namespace zoo::svm {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Solved {
    std::int64_t n_iter;
    bool reached_max_iter;
    double dual_objective;
};

// The rows of a dense X, with the three operations the solver needs.
struct DenseRows {
    const double* x;
    index_t n, d;

    double dot_row(index_t i, const double* w) const {
        const double* xi = x + i * d;
        double sum = 0.0;
        for (index_t f = 0; f < d; ++f) sum += w[f] * xi[f];
        return sum;
    }
    void add_row(index_t i, double step, double* w) const {
        const double* xi = x + i * d;
        for (index_t f = 0; f < d; ++f) w[f] += step * xi[f];
    }
    double row_squared_norm(index_t i) const {
        const double* xi = x + i * d;
        double sum = 0.0;
        for (index_t f = 0; f < d; ++f) sum += xi[f] * xi[f];
        return sum;
    }
};

// Rows: DenseRows or sparse::CsrMatrix (the same three operations).
template <class Rows>
Solved solve_one(const Rows& x, index_t n, index_t d, const double* y, const double* c, const LinearOptions& o,
                 std::uint64_t seed, double* w, const InterruptCheck& interrupt) {
    const bool with_bias = o.bias_scale > 0.0;
    const double bias = o.bias_scale;
    const index_t width = d + (with_bias ? 1 : 0);
    std::fill(w, w + width, 0.0);
    std::vector<double> alpha(static_cast<std::size_t>(n), 0.0), curvature(static_cast<std::size_t>(n)),
        diag(static_cast<std::size_t>(n)), bound(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) {
        const double s = (with_bias ? bias * bias : 0.0) + x.row_squared_norm(i);
        diag[i] = o.squared_hinge ? 0.5 / c[i] : 0.0;
        bound[i] = o.squared_hinge ? kInf : c[i];
        curvature[i] = s + diag[i];
    }
    std::vector<index_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), index_t{0});
    Rng rng(seed);
    index_t active = n;
    // Bounds on the projected gradient from the previous sweep: a variable
    // at a bound whose gradient lies beyond them is unlikely to move.
    double shrink_above = kInf, shrink_below = -kInf;
    std::int64_t iter = 0;
    bool converged = false;
    while (iter < o.max_iter) {
        if (interrupt && iter % 16 == 0) interrupt();
        for (index_t s = active - 1; s > 0; --s)
            std::swap(order[s], order[static_cast<index_t>(rng.below(static_cast<std::uint64_t>(s + 1)))]);
        double pg_max = -kInf, pg_min = kInf;
        for (index_t s = 0; s < active; ++s) {
            const index_t i = order[s];
            const double yi = y[i];
            if (c[i] <= 0.0) continue;  // zero weight: a_i stays 0
            const double margin = (with_bias ? w[d] * bias : 0.0) + x.dot_row(i, w);
            const double g = yi * margin - 1.0 + diag[i] * alpha[i];
            double pg = 0.0;
            if (alpha[i] == 0.0) {
                if (g > shrink_above) {
                    std::swap(order[s], order[--active]);
                    --s;
                    continue;
                }
                if (g < 0.0) pg = g;
            } else if (alpha[i] == bound[i]) {
                if (g < shrink_below) {
                    std::swap(order[s], order[--active]);
                    --s;
                    continue;
                }
                if (g > 0.0) pg = g;
            } else {
                pg = g;
            }
            pg_max = std::max(pg_max, pg);
            pg_min = std::min(pg_min, pg);
            if (std::fabs(pg) > 1e-12) {
                const double old = alpha[i];
                const double moved = curvature[i] > 0.0 ? old - g / curvature[i] : bound[i];
                alpha[i] = std::min(std::max(moved, 0.0), bound[i]);
                const double step = (alpha[i] - old) * yi;
                x.add_row(i, step, w);
                if (with_bias) w[d] += step * bias;
            }
        }
        ++iter;
        if (pg_max - pg_min <= o.tol) {
            if (active == n) {
                converged = true;
                break;
            }
            // Optimal on the active set: check every variable once more.
            active = n;
            shrink_above = kInf;
            shrink_below = -kInf;
            continue;
        }
        shrink_above = pg_max <= 0.0 ? kInf : pg_max;
        shrink_below = pg_min >= 0.0 ? -kInf : pg_min;
    }
    double objective = 0.0;
    for (index_t f = 0; f < width; ++f) objective += w[f] * w[f];
    objective *= 0.5;
    for (index_t i = 0; i < n; ++i) objective += 0.5 * diag[i] * alpha[i] * alpha[i] - alpha[i];
    return {iter, !converged, objective};
}

template <class Rows>
LinearSummary solve_problems(const Rows& x, index_t n, index_t d, const double* targets, const double* upper,
                             int n_problems, const LinearOptions& options, double* w_out, double* dual_objective_out,
                             const InterruptCheck& interrupt) {
    detail::check_linear_arguments(upper, n, options);
    const index_t width = d + (options.bias_scale > 0.0 ? 1 : 0);
    std::vector<Solved> solved(static_cast<std::size_t>(n_problems));
    const int n_threads = detail::linear_problems_team(n, d, n_problems, options.n_threads);
    // Each problem draws its own permutations, so the result does not depend
    // on which thread solves it.
    Rng seeds(options.seed);
    std::vector<std::uint64_t> problem_seeds(static_cast<std::size_t>(n_problems));
    for (auto& s : problem_seeds) s = seeds.next();
    ExceptionCarrier carrier;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (int p = 0; p < n_problems; ++p) {
        carrier.run([&] {
            const InterruptCheck none;
            solved[static_cast<std::size_t>(p)] =
                solve_one(x, n, d, targets + static_cast<index_t>(p) * n, upper, options,
                          problem_seeds[static_cast<std::size_t>(p)], w_out + static_cast<index_t>(p) * width,
                          omp_get_thread_num() == 0 ? interrupt : none);
        });
    }
    carrier.rethrow();
    LinearSummary summary;
    for (int p = 0; p < n_problems; ++p) {
        summary.max_n_iter = std::max(summary.max_n_iter, solved[static_cast<std::size_t>(p)].n_iter);
        summary.reached_max_iter |= solved[static_cast<std::size_t>(p)].reached_max_iter;
        if (dual_objective_out) dual_objective_out[p] = solved[static_cast<std::size_t>(p)].dual_objective;
    }
    return summary;
}

}  // namespace

LinearSummary linear_svm_dual_cd(const double* x, index_t n, index_t d, const double* targets, const double* upper,
                                 int n_problems, const LinearOptions& options, double* w_out,
                                 double* dual_objective_out, const InterruptCheck& interrupt) {
    return solve_problems(DenseRows{x, n, d}, n, d, targets, upper, n_problems, options, w_out, dual_objective_out,
                          interrupt);
}

LinearSummary linear_svm_dual_cd(const sparse::CsrMatrix& x, const double* targets, const double* upper,
                                 int n_problems, const LinearOptions& options, double* w_out,
                                 double* dual_objective_out, const InterruptCheck& interrupt) {
    sparse::check_csr(x);
    return solve_problems(x, x.n_rows, x.n_cols, targets, upper, n_problems, options, w_out, dual_objective_out,
                          interrupt);
}

}  // namespace zoo::svm
