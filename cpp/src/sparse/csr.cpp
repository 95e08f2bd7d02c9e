// Checks and products of CSR matrices (zoo/sparse.hpp).
#include <algorithm>
#include <stdexcept>

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

}  // namespace zoo::sparse
