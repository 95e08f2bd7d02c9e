// Pieces shared by the SVM compile units: the kernel applied to a row of dot
// products, and the cached rows of the SMO solver's Q matrix.
#pragma once

#include <cstddef>
#include <list>
#include <vector>

#include "zoo/svm.hpp"

namespace zoo::svm::detail {

// Turns dot products x_i . x_k (k in [0, m)) into K(x_i, x_k) in place.
// norm_i and norms are squared norms, read by the rbf kernel only.
void apply_kernel(const KernelParams& kernel, double* dots, index_t m, double norm_i, const double* norms);

// Rows of Q_ik = y_i y_k K(x_i, x_k) for the SMO solver. It owns a copy of the
// problem's rows, permuted along with the solver's variables (shrinking moves
// the active variables to the front, so a row is only ever needed over a prefix
// of columns), and keeps computed rows in a least-recently-used cache of
// `cache_mb` megabytes (never less than two full rows).
class KernelRows {
public:
    KernelRows(const BinaryProblem& problem, const KernelParams& kernel, double cache_mb, int n_threads);

    // Q row i over columns [0, len). The pointer stays valid until the next
    // call that asks for a row other than i, or swap(); it survives one
    // further row() call for another row (the cache holds two rows at least).
    const double* row(index_t i, index_t len);
    double diagonal(index_t i) const { return diagonal_[i]; }
    double label(index_t i) const { return y_[i]; }
    // Exchanges variables i and j everywhere, cached rows included.
    void swap(index_t i, index_t j);

private:
    struct Entry {
        std::vector<double> values;
        bool cached = false;
        std::list<index_t>::iterator where;
    };

    void compute(index_t i, index_t begin, index_t end, double* out) const;
    void make_room(std::size_t needed, index_t keep);
    void evict(index_t i);

    KernelParams kernel_;
    index_t n_, d_;
    int n_threads_;
    std::vector<double> x_, y_, norms_, diagonal_;
    std::vector<Entry> entries_;
    std::list<index_t> recency_;  // front: most recently used
    std::size_t budget_;           // doubles
    std::size_t used_ = 0;
};

}  // namespace zoo::svm::detail
