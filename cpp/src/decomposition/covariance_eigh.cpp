// PCA through the covariance matrix: one pass over the data for the column
// means and the Gram matrix of the centred rows (SYRK), then a symmetric
// eigensolver on the d x d covariance. Exact, and the fastest route when
// n >> d: the data are read once and the only O(n d^2) work is the SYRK,
// half a GEMM.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "lapack_kernels.hpp"
#include "zoo/blas.hpp"
#include "zoo/decomposition.hpp"
#include "zoo/lapack.hpp"
#include "zoo/parallel.hpp"

namespace zoo::decomposition {

namespace {

// How many leading rows give the provisional centre.
constexpr index_t kShiftRows = 1024;

// Column means of the first rows, in double: a provisional centre close to
// the true mean, so that one pass can both centre and multiply (below).
template <class T>
void provisional_centre(const T* x, index_t n, index_t d, double* centre) {
    const index_t rows = std::min(n, kShiftRows);
    std::fill(centre, centre + d, 0.0);
    for (index_t i = 0; i < rows; ++i)
        for (index_t j = 0; j < d; ++j) centre[j] += static_cast<double>(x[i * d + j]);
    for (index_t j = 0; j < d; ++j) centre[j] /= static_cast<double>(rows);
}

// Rows [begin, end) of part `part` when n rows are cut into n_parts pieces.
inline void part_rows(index_t n, index_t n_parts, index_t part, index_t& begin, index_t& end) {
    begin = n * part / n_parts;
    end = n * (part + 1) / n_parts;
}

// Adds the upper triangle of the block Gram matrix (float) into the double
// accumulator: float32 products stay fast while the sum over many blocks
// keeps float64 accuracy.
inline void accumulate_upper(const float* block, double* total, index_t d) {
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i; j < d; ++j) total[i * d + j] += static_cast<double>(block[i * d + j]);
}

// Upper triangle of sum_i (x_i - shift)(x_i - shift)^T over rows [begin,
// end), added into `gram` (double, d x d), and sum_i (x_i - shift) into
// `sums`. `rows` is scratch for one block of shifted rows; `block_gram`
// (float input only) for one block's product.
template <class T>
void gram_of_rows(const T* x, index_t begin, index_t end, index_t d, const T* shift, index_t block_rows, double* gram,
                  double* sums) {
    std::vector<T> rows(static_cast<size_t>(block_rows * d));
    std::vector<float> block_gram;
    if constexpr (std::is_same_v<T, float>) block_gram.resize(static_cast<size_t>(d * d));
    for (index_t start = begin; start < end; start += block_rows) {
        const index_t m = std::min(block_rows, end - start);
        for (index_t r = 0; r < m; ++r) {
            const T* xi = x + (start + r) * d;
            T* out = rows.data() + r * d;
            for (index_t j = 0; j < d; ++j) out[j] = xi[j] - shift[j];
            for (index_t j = 0; j < d; ++j) sums[j] += static_cast<double>(out[j]);
        }
        if constexpr (std::is_same_v<T, float>) {
            blas::syrk_gram(static_cast<int>(d), static_cast<int>(m), 1.0f, rows.data(), static_cast<int>(d), 0.0f,
                            block_gram.data(), static_cast<int>(d));
            accumulate_upper(block_gram.data(), gram, d);
        } else {
            blas::syrk_gram(static_cast<int>(d), static_cast<int>(m), 1.0, rows.data(), static_cast<int>(d), 1.0, gram,
                            static_cast<int>(d));
        }
    }
}

}  // namespace

template <class T>
void covariance_eigh(const T* x, index_t n, index_t d, index_t k, int n_threads, double* mean, double* variances,
                     T* components, double* total_variance) {
    if (n < 2) throw std::invalid_argument("covariance_eigh needs at least 2 samples");
    if (d < 1 || k < 1 || k > d) throw std::invalid_argument("covariance_eigh needs 1 <= n_components <= n_features");
    n_threads = team_size(static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(d), n_threads);
    // One pass over X: rows are shifted by a provisional centre c (the mean
    // of the first rows) and both sum_i (x_i - c) and the Gram matrix of the
    // shifted rows are accumulated; the exact centring follows in double,
    // G - n delta delta^T with delta = mean - c. As c is already close to the
    // mean, the correction is small and cancels nothing.
    std::vector<double> centre(static_cast<size_t>(d));
    provisional_centre(x, n, d, centre.data());
    std::vector<T> shift(static_cast<size_t>(d));
    for (index_t j = 0; j < d; ++j) shift[static_cast<size_t>(j)] = static_cast<T>(centre[static_cast<size_t>(j)]);

    // Each thread accumulates the Gram matrix of its own contiguous rows
    // with single-threaded BLAS (no synchronisation, X read once), and the
    // parts are added in thread order: reproducible for a given n_threads.
    // Per-thread copies are capped at about 512 MiB in all; past that one
    // copy is shared and each SYRK runs on BLAS's pool.
    const index_t part_bytes = std::max<index_t>(1, 8 * d * d);
    const index_t n_parts = std::clamp<index_t>(std::min<index_t>((index_t{1} << 29) / part_bytes, ceil_div(n, 256)), 1,
                                                n_threads);
    // Blocks of about 1 MiB of centred rows (at least 64 rows) keep the
    // scratch in cache and the SYRK's inner dimension large.
    const index_t block_rows = std::clamp<index_t>((index_t{1} << 20) / (static_cast<index_t>(sizeof(T)) * d), 64, 4096);
    std::vector<std::vector<double>> parts(static_cast<size_t>(n_parts));
    std::vector<double> sums(static_cast<size_t>(n_parts * d), 0.0);
    if (n_parts == 1) {
        const double dd = static_cast<double>(d);
        blas::ThreadsScope pool(detail::threads_for(static_cast<double>(n) * dd * dd, n_threads));
        parts[0].assign(static_cast<size_t>(d * d), 0.0);
        gram_of_rows(x, 0, n, d, shift.data(), n_threads > 1 ? std::max<index_t>(block_rows, 4096) : block_rows,
                     parts[0].data(), sums.data());
    } else {
        blas::SingleThreadedScope one_blas_thread;
        parallel_chunks(n_parts, static_cast<int>(n_parts), [&](std::int64_t part, int) {
            index_t begin, end;
            part_rows(n, n_parts, part, begin, end);
            std::vector<double>& gram = parts[static_cast<size_t>(part)];
            gram.assign(static_cast<size_t>(d * d), 0.0);
            gram_of_rows(x, begin, end, d, shift.data(), block_rows, gram.data(), sums.data() + part * d);
        });
    }
    std::vector<double>& cov = parts[0];
    for (index_t part = 1; part < n_parts; ++part)
        for (index_t i = 0; i < d; ++i)
            for (index_t j = i; j < d; ++j) cov[static_cast<size_t>(i * d + j)] += parts[static_cast<size_t>(part)][static_cast<size_t>(i * d + j)];
    std::vector<double> delta(static_cast<size_t>(d), 0.0);
    for (index_t part = 0; part < n_parts; ++part)
        for (index_t j = 0; j < d; ++j) delta[static_cast<size_t>(j)] += sums[static_cast<size_t>(part * d + j)];
    for (index_t j = 0; j < d; ++j) {
        delta[static_cast<size_t>(j)] /= static_cast<double>(n);
        // The rows were shifted by c rounded to T: that is the centre used.
        mean[j] = static_cast<double>(shift[static_cast<size_t>(j)]) + delta[static_cast<size_t>(j)];
    }
    for (index_t i = 0; i < d; ++i)
        for (index_t j = i; j < d; ++j)
            cov[static_cast<size_t>(i * d + j)] -= static_cast<double>(n) * delta[static_cast<size_t>(i)] * delta[static_cast<size_t>(j)];
    const double scale = 1.0 / static_cast<double>(n - 1);
    double trace = 0.0;
    for (index_t i = 0; i < d; ++i) {
        for (index_t j = i; j < d; ++j) cov[static_cast<size_t>(i * d + j)] *= scale;
        trace += cov[static_cast<size_t>(i * d + i)];
    }
    *total_variance = trace;

    // The row-major upper triangle is the column-major lower one. syevr
    // returns eigenvalues ascending, so the top k are il = d - k + 1 .. d.
    std::vector<double> w(static_cast<size_t>(d)), z(static_cast<size_t>(d * k));
    std::vector<int> isuppz(static_cast<size_t>(2 * std::max<index_t>(k, 1)));
    int found = 0;
    {
        const double dd = static_cast<double>(d);
        blas::ThreadsScope pool(detail::threads_for(4.0 * dd * dd * dd, n_threads));
        detail::check_info(lapack::syevr('L', static_cast<int>(d), cov.data(), static_cast<int>(d),
                                         static_cast<int>(d - k + 1), static_cast<int>(d), &found, w.data(), z.data(),
                                         static_cast<int>(d), isuppz.data()),
                           "syevr");
    }
    if (found != k) throw std::runtime_error("syevr returned fewer eigenpairs than requested");
    // Column c of z (contiguous, col-major d x k) is the eigenvector of w[c].
    for (index_t c = 0; c < k; ++c) {
        const index_t row = k - 1 - c;
        variances[row] = std::max(w[static_cast<size_t>(c)], 0.0);
        for (index_t j = 0; j < d; ++j) components[row * d + j] = static_cast<T>(z[static_cast<size_t>(c * d + j)]);
    }
    detail::flip_signs(components, k, d);
}

template void covariance_eigh<float>(const float*, index_t, index_t, index_t, int, double*, double*, float*, double*);
template void covariance_eigh<double>(const double*, index_t, index_t, index_t, int, double*, double*, double*,
                                      double*);

}  // namespace zoo::decomposition
