// Pieces shared by the SVM compile units: the kernel applied to a row of dot
// products, the cached rows of the SMO solver's Q matrix, and the argument
// checks of the linear solvers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
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
    double diagonal(index_t i) const { return diagonal_[i]; }
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
    std::vector<double> block_, block_rows_;  // GEMM scratch for fill()
    std::vector<float> block32_, block_rows32_;
    std::vector<Entry> entries_;
    std::list<index_t> recency_;  // front: most recently used
    std::vector<std::vector<float>> spare_;
    std::size_t budget_;           // floats
    std::size_t used_ = 0;
};

}  // namespace zoo::svm::detail
