// Pieces shared by the SVM compile units: the kernel applied to a row of dot
// products, the cached rows of the SMO solver's Q matrix, and the argument
// checks of the linear solvers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/svm.hpp"

namespace zoo::svm::detail {

// The options and per-sample bounds both linear solvers require.
inline void check_linear_arguments(const double* upper, index_t n, const LinearOptions& options) {
    if (!(options.tol > 0.0)) throw std::invalid_argument("tol must be > 0");
    if (options.max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
    for (index_t i = 0; i < n; ++i)
        if (!(upper[i] >= 0.0) || !std::isfinite(upper[i]))
            throw std::invalid_argument("per-sample C must be finite and >= 0");
}

// Threads for n_problems linear problems on n x d data, each solved by one
// thread: parallel.hpp's rule on a few passes over X per problem, and never
// more threads than problems.
inline int linear_problems_team(index_t n, index_t d, int n_problems, int n_threads) {
    constexpr double kPasses = 8.0;
    const double work = kPasses * static_cast<double>(n) * static_cast<double>(d) * n_problems;
    return std::min(team_size(work, n_threads), std::max(n_problems, 1));
}

// Stands in for a non-positive curvature in the pair rule and step.
constexpr double kTau = 1e-12;

// The pieces of SMO both decomposition solvers (smo.cpp, working_set.cpp)
// share. For y a_i: I_up holds the variables whose y a may grow, I_low those
// whose y a may shrink; -y_k G_k is a variable's violation.
inline bool in_up(double y, double alpha, double upper) { return y > 0 ? alpha < upper : alpha > 0.0; }
inline bool in_low(double y, double alpha, double upper) { return y > 0 ? alpha > 0.0 : alpha < upper; }

// The working pair of Fan, Chen & Lin's second-order rule (2005) over
// variables [0, m), in two halves so that the caller can fetch row i of Q
// between them. i maximises -y G over I_up (up: membership flags); -1 when
// I_up is empty. Branch-free passes that vectorise; the index is found
// afterwards by an exact comparison, from the end (the last of equal
// candidates wins, as in libsvm, whose iterates these follow). score: m
// entries of scratch.
inline index_t most_violating_up(const double* y, const double* g, const std::uint8_t* up, index_t m, double* score,
                                 double& top) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    top = -kInf;
#pragma omp simd reduction(max : top)
    for (index_t k = 0; k < m; ++k) {
        const double v = up[k] ? -y[k] * g[k] : -kInf;
        score[k] = v;
        top = top > v ? top : v;
    }
    if (top == -kInf) return -1;
    index_t i = m - 1;
    while (score[i] != top) --i;
    return i;
}

// j, among I_low with -y_j G_j < top (= -y_i G_i), maximises the decrease of
// the objective along the pair's direction, b^2 / a with b the gap and a the
// curvature; -1 once the largest gap top - min over I_low of -y G is below
// eps (the stopping rule of Keerthi et al. 2001). qi: row i of Q; qd: Q's
// diagonal.
inline index_t best_partner(const double* y, const double* g, const std::uint8_t* low, index_t m, const float* qi,
                            const double* qd, index_t i, double top, double eps, double* score) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const double qd_i = qd[i], yi = y[i];
    double bottom = kInf, best = kInf;
#pragma omp simd reduction(min : bottom, best)
    for (index_t k = 0; k < m; ++k) {
        const double v = -y[k] * g[k];
        const double b = top - v;
        double a = qd_i + qd[k] - 2.0 * yi * y[k] * static_cast<double>(qi[k]);
        a = a > 0.0 ? a : kTau;
        const double decrease = (low[k] && b > 0.0) ? -(b * b) / a : kInf;
        score[k] = decrease;
        const double lowest = low[k] ? v : kInf;
        bottom = bottom < lowest ? bottom : lowest;
        best = best < decrease ? best : decrease;
    }
    if (top - bottom < eps || best == kInf) return -1;
    index_t j = m - 1;
    while (score[j] != best) --j;
    return j;
}

// The new (a_i, a_j) after the SMO step on the pair: a_i moves by +y_i t and
// a_j by -y_j t (keeping y'a fixed), with t the unconstrained minimiser
// (v_i - v_j) / curvature clipped to the box. curvature = K_ii + K_jj - 2 K_ij.
struct PairStep {
    double alpha_i, alpha_j;
};
inline PairStep pair_step(double alpha_i, double alpha_j, double y_i, double y_j, double upper_i, double upper_j,
                          double violation_i, double violation_j, double curvature) {
    const double a = curvature > 0.0 ? curvature : kTau;
    const double limit_i = y_i > 0 ? upper_i - alpha_i : alpha_i;
    const double limit_j = y_j > 0 ? alpha_j : upper_j - alpha_j;
    double t = (violation_i - violation_j) / a;
    double new_i = alpha_i + y_i * t, new_j = alpha_j - y_j * t;
    if (t >= limit_i || t >= limit_j) {
        if (limit_i <= limit_j) {
            t = limit_i;
            new_i = y_i > 0 ? upper_i : 0.0;
            new_j = alpha_j - y_j * t;
            if (limit_i == limit_j) new_j = y_j > 0 ? 0.0 : upper_j;
        } else {
            t = limit_j;
            new_j = y_j > 0 ? 0.0 : upper_j;
            new_i = alpha_i + y_i * t;
        }
    }
    return {std::min(std::max(new_i, 0.0), upper_i), std::min(std::max(new_j, 0.0), upper_j)};
}

// The offset rho at the optimum: the mean of y G over free variables, which
// the KKT conditions make all equal; without free variables, the middle of
// the interval the bounded ones allow.
inline double offset_at_optimum(const double* y, const double* gradient, const double* alpha, const double* upper,
                                index_t n) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double lower = -kInf, higher = kInf, sum = 0.0;
    index_t n_free = 0;
    for (index_t k = 0; k < n; ++k) {
        const double yg = y[k] * gradient[k];
        if (alpha[k] > 0.0 && alpha[k] < upper[k]) {
            sum += yg;
            ++n_free;
        } else if (in_up(y[k], alpha[k], upper[k])) {
            higher = std::min(higher, yg);  // only y a may grow: rho <= y_k G_k
        } else {
            lower = std::max(lower, yg);
        }
    }
    if (n_free > 0) return sum / static_cast<double>(n_free);
    return 0.5 * (higher + lower);
}

// The dual objective 1/2 a'Qa - e'a from G = Qa - e.
inline double dual_objective(const double* gradient, const double* alpha, index_t n) {
    double sum = 0.0;
    for (index_t k = 0; k < n; ++k) sum += alpha[k] * (gradient[k] - 1.0);
    return 0.5 * sum;
}

// The working-set solver for problems whose kernel rows outgrow the cache
// (working_set.cpp); same problem, options and result as solve_binary. It
// goes on from start's alpha and gradient when start is given.
BinaryResult solve_binary_by_blocks(const BinaryProblem& problem, const SolverOptions& options,
                                    const InterruptCheck& interrupt, const BinaryResult* start);

// Turns dot products x_i . x_k (k in [0, m)) into K(x_i, x_k) in place.
// norm_i and norms are squared norms, read by the rbf kernel only.
void apply_kernel(const KernelParams& kernel, double* dots, index_t m, double norm_i, const double* norms);

// Rows of Q_ik = y_i y_k K(x_i, x_k) for the SMO solver. It owns a copy of the
// problem's rows, permuted along with the solver's variables (shrinking moves
// the active variables to the front, so a row is only ever needed over a prefix
// of columns), and keeps computed rows, rounded to float32 as libsvm does, in
// a least-recently-used cache of `cache_mb` megabytes (never less than two
// full rows): float32 doubles the rows the cache holds and halves the memory
// traffic of the gradient updates, while the solver's sums stay in float64.
class KernelRows {
public:
    KernelRows(const BinaryProblem& problem, const KernelParams& kernel, double cache_mb, int n_threads);

    // Q row i over columns [0, len). The pointer stays valid until the next
    // call that asks for a row other than i, or swap(); it survives one
    // further row() call for another row (the cache holds two rows at least).
    const float* row(index_t i, index_t len);
    // Whether row i is cached over [0, len).
    bool has(index_t i, index_t len) const {
        return static_cast<index_t>(entries_[i].values.size()) >= len;
    }
    // Computes the rows of `rows` over [0, len) with one GEMM and caches
    // them, the first most recently used: X is read once for all of them,
    // where one GEMV per row reads it every time.
    void fill(const std::vector<index_t>& rows, index_t len);
    // How many rows of length len the cache holds at once.
    index_t capacity(index_t len) const { return static_cast<index_t>(budget_ / static_cast<std::size_t>(len)); }
    double diagonal(index_t i) const { return diagonal_[i]; }
    // Rows evicted so far to make room.
    std::int64_t evictions() const { return evictions_; }
    const double* diagonals() const { return diagonal_.data(); }
    double label(index_t i) const { return y_[i]; }
    // Exchanges variables i and j for each pair in turn, everywhere, cached
    // rows included. A batch walks each cached row once: one swap at a time
    // would walk the whole cache per swap.
    void swap(const std::vector<std::pair<index_t, index_t>>& pairs);

private:
    struct Entry {
        std::vector<float> values;
        bool cached = false;
        std::list<index_t>::iterator where;
    };

    void compute(index_t i, index_t begin, index_t end, float* out);
    void make_room(std::size_t needed, index_t keep);
    void store(index_t i, index_t len, std::vector<float>&& values);
    // Buffers of evicted rows, reused: fresh pages cost a page fault each.
    std::vector<float> take_buffer();
    void evict(index_t i);

    KernelParams kernel_;
    index_t n_, d_;
    int n_threads_;
    bool single_;  // rows in float32
    std::vector<double> x_, y_, norms_, diagonal_;
    std::vector<float> x32_;
    std::vector<double> dots_;  // scratch, one entry per column
    std::vector<float> dots32_;
    std::vector<double> block_rows_;  // fill()'s rows of X, side by side
    std::vector<float> block_rows32_;
    // fill()'s per-thread tiles of dot products, kept: fresh pages cost a
    // page fault each.
    std::vector<std::vector<double>> scratch_;
    std::vector<std::vector<float>> scratch32_;
    std::vector<Entry> entries_;
    std::list<index_t> recency_;  // front: most recently used
    std::vector<std::vector<float>> spare_;
    std::size_t budget_;           // floats
    std::size_t used_ = 0;
    std::int64_t evictions_ = 0;
};

}  // namespace zoo::svm::detail
