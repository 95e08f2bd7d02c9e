// Sparse matrices in compressed-sparse-row form (SciPy's CSR), borrowed from
// the caller: the input type of every estimator that takes scipy.sparse X.
// Kernels work on the stored entries only; nothing here densifies a matrix.
#pragma once

#include <cstdint>

namespace zoo::sparse {

using index_t = std::int64_t;

// Row i's entries are data[k], in columns indices[k], for k in
// [indptr[i], indptr[i + 1]). Columns within a row need not be sorted, and
// a stored zero is an entry like any other.
struct CsrMatrix {
    const index_t* indptr = nullptr;  // n_rows + 1
    const index_t* indices = nullptr;
    const double* data = nullptr;
    index_t n_rows = 0;
    index_t n_cols = 0;

    index_t begin(index_t i) const { return indptr[i]; }
    index_t end(index_t i) const { return indptr[i + 1]; }
    // x_i . w for a dense w of n_cols entries.
    double dot_row(index_t i, const double* w) const {
        double sum = 0.0;
        for (index_t k = begin(i); k < end(i); ++k) sum += data[k] * w[indices[k]];
        return sum;
    }
    // w += step * x_i.
    void add_row(index_t i, double step, double* w) const {
        for (index_t k = begin(i); k < end(i); ++k) w[indices[k]] += step * data[k];
    }
    double row_squared_norm(index_t i) const {
        double sum = 0.0;
        for (index_t k = begin(i); k < end(i); ++k) sum += data[k] * data[k];
        return sum;
    }
};

// Throws std::invalid_argument unless indptr starts at 0, never decreases,
// and every column index lies in [0, n_cols): the checks every kernel
// needs before trusting a matrix from Python.
void check_csr(const CsrMatrix& x);

// out (n_rows x k, row-major) = X B for a dense B (n_cols x k, row-major);
// rows of X in parallel.
void csr_times_dense(const CsrMatrix& x, const double* b, index_t k, double* out, int n_threads);

// stats::column_moments for a CSR X: total weight, and per column the
// weighted mean and sum of squared deviations, the unstored zeros counted.
// weights may be null (all 1). Two passes over the stored entries (means,
// then deviations), so large means lose no digits; per-thread partial sums
// over fixed row blocks, reduced in block order: the same bits for any
// n_threads.
void csr_column_moments(const CsrMatrix& x, const double* weights, double* total_weight, double* mean, double* m2,
                        int n_threads);

// The largest |value| of each column (0 for a column with no stored value).
void csr_column_max_abs(const CsrMatrix& x, double* out, int n_threads);

}  // namespace zoo::sparse
