// Checks and products of CSR matrices (zoo/sparse.hpp).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/sparse.hpp"

namespace zoo::sparse {

void check_csr(const CsrMatrix& x) {
    if (x.n_rows < 0 || x.n_cols < 0) throw std::invalid_argument("a sparse matrix cannot have negative dimensions");
    if (x.indptr[0] != 0) throw std::invalid_argument("the sparse matrix's indptr must start at 0");
    for (index_t i = 0; i < x.n_rows; ++i)
        if (x.indptr[i + 1] < x.indptr[i]) throw std::invalid_argument("the sparse matrix's indptr must not decrease");
    const index_t nnz = x.indptr[x.n_rows];
    for (index_t k = 0; k < nnz; ++k)
        if (x.indices[k] < 0 || x.indices[k] >= x.n_cols)
            throw std::invalid_argument("the sparse matrix's column indices must lie in [0, n_features)");
}

void csr_times_dense(const CsrMatrix& x, const double* b, index_t k, double* out, int n_threads) {
    const double work = static_cast<double>(x.indptr[x.n_rows]) * static_cast<double>(k) + static_cast<double>(x.n_rows);
    constexpr index_t kRows = 512;
    const index_t n_chunks = (x.n_rows + kRows - 1) / kRows;
    parallel_chunks(n_chunks, team_size(work, n_threads), [&](index_t chunk, int) {
        for (index_t i = chunk * kRows; i < std::min(x.n_rows, (chunk + 1) * kRows); ++i) {
            double* row = out + i * k;
            std::fill(row, row + k, 0.0);
            for (index_t e = x.begin(i); e < x.end(i); ++e) {
                const double value = x.data[e];
                const double* source = b + x.indices[e] * k;
                for (index_t j = 0; j < k; ++j) row[j] += value * source[j];
            }
        }
    });
}

namespace {

// Per column reductions of f(entry, row weight, column) over the stored
// entries (combine: + for sums, max for maxima), in blocks of rows whose
// partial results are combined in block order. The blocks depend on n_rows
// only (at most 16, each a column-wide array), so the results do not depend
// on the thread count.
template <class F, class Combine>
std::vector<double> column_reduce(const CsrMatrix& x, const double* weights, int n_threads, F&& f,
                                  Combine&& combine) {
    constexpr index_t kMaxBlocks = 16, kMinRows = 4096;
    const index_t n_blocks = std::clamp<index_t>((x.n_rows + kMinRows - 1) / kMinRows, 1, kMaxBlocks);
    const index_t kRows = (x.n_rows + n_blocks - 1) / n_blocks;
    const std::size_t width = static_cast<std::size_t>(x.n_cols);
    std::vector<double> partial(static_cast<std::size_t>(n_blocks) * width, 0.0);
    const double work = static_cast<double>(x.indptr[x.n_rows]) + static_cast<double>(x.n_rows);
    parallel_chunks(n_blocks, team_size(work, n_threads), [&](index_t block, int) {
        double* sums = partial.data() + static_cast<std::size_t>(block) * width;
        for (index_t i = block * kRows; i < std::min(x.n_rows, (block + 1) * kRows); ++i) {
            const double w = weights ? weights[i] : 1.0;
            for (index_t e = x.begin(i); e < x.end(i); ++e) {
                double& slot = sums[x.indices[e]];
                slot = combine(slot, f(x.data[e], w, x.indices[e]));
            }
        }
    });
    std::vector<double> total(width, 0.0);
    for (index_t block = 0; block < n_blocks; ++block)
        for (std::size_t j = 0; j < width; ++j)
            total[j] = combine(total[j], partial[static_cast<std::size_t>(block) * width + j]);
    return total;
}

template <class F>
std::vector<double> column_sums(const CsrMatrix& x, const double* weights, int n_threads, F&& f) {
    return column_reduce(x, weights, n_threads, f, [](double a, double b) { return a + b; });
}

}  // namespace

void csr_column_moments(const CsrMatrix& x, const double* weights, double* total_weight, double* mean, double* m2,
                        int n_threads) {
    double weight_sum = 0.0;
    for (index_t i = 0; i < x.n_rows; ++i) weight_sum += weights ? weights[i] : 1.0;
    *total_weight = weight_sum;
    const std::vector<double> sums = column_sums(x, weights, n_threads, [](double v, double w, index_t) { return w * v; });
    // Weight of each column's stored entries: the rest of the weight sits on zeros.
    const std::vector<double> stored = column_sums(x, weights, n_threads, [](double, double w, index_t) { return w; });
    for (index_t j = 0; j < x.n_cols; ++j) mean[j] = weight_sum > 0 ? sums[static_cast<std::size_t>(j)] / weight_sum : 0.0;
    const std::vector<double> squares = column_sums(x, weights, n_threads, [&](double v, double w, index_t j) {
        const double deviation = v - mean[j];
        return w * deviation * deviation;
    });
    for (index_t j = 0; j < x.n_cols; ++j) {
        const auto c = static_cast<std::size_t>(j);
        m2[j] = squares[c] + (weight_sum - stored[c]) * mean[j] * mean[j];
    }
}

void csr_column_max_abs(const CsrMatrix& x, double* out, int n_threads) {
    // Maxima start at 0, the unstored entries' magnitude.
    const std::vector<double> top = column_reduce(
        x, nullptr, n_threads, [](double v, double, index_t) { return std::fabs(v); },
        [](double a, double b) { return b > a ? b : a; });
    std::copy(top.begin(), top.end(), out);
}

}  // namespace zoo::sparse
