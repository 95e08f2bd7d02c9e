// Randomized SVD (Halko, Martinsson & Tropp 2011): a Gaussian test matrix,
// power iterations to sharpen the spectrum, a QR basis of the range, and an
// exact SVD of the small projected matrix. All products go through BLAS.
//
// Layout: an n x l basis Y is kept as the row-major l x n array Y^T, which is
// Y column-major with leading dimension n, so LAPACK factorises it in place
// and BLAS forms Y^T = Omega^T X^T and Z^T = Y^T X without transposes.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "lapack_kernels.hpp"
#include "zoo/blas.hpp"
#include "zoo/decomposition.hpp"
#include "zoo/lapack.hpp"
#include "zoo/parallel.hpp"
#include "zoo/rng.hpp"

namespace zoo::decomposition {

namespace {

// Orthonormal basis of the columns of the column-major rows x l matrix `a`
// (rows >= l), in place.
template <class T>
void orthonormalize_qr(T* a, int rows, int l) {
    std::vector<T> tau(static_cast<size_t>(l));
    detail::check_info(lapack::geqrf(rows, l, a, rows, tau.data()), "geqrf");
    detail::check_info(lapack::orgqr(rows, l, l, a, rows, tau.data()), "orgqr");
}

// The permuted unit lower-trapezoidal factor P L of A = P L U, in place: it
// spans the same columns as A, well conditioned, for less work than QR.
template <class T>
void orthonormalize_lu(T* a, int rows, int l) {
    std::vector<int> ipiv(static_cast<size_t>(l));
    // info > 0 (an exactly zero pivot) still leaves a valid P L.
    const int info = lapack::getrf(rows, l, a, rows, ipiv.data());
    if (info < 0) detail::check_info(info, "getrf");
    for (int c = 0; c < l; ++c) {
        T* column = a + static_cast<index_t>(c) * rows;
        std::fill(column, column + c, T(0));
        column[c] = T(1);
    }
    detail::check_info(lapack::laswp(l, a, rows, 1, l, ipiv.data(), -1), "laswp");
}

template <class T>
void renormalize(T* a, int rows, int l, Normalizer normalizer) {
    if (normalizer == Normalizer::qr) orthonormalize_qr(a, rows, l);
    else if (normalizer == Normalizer::lu) orthonormalize_lu(a, rows, l);
}

}  // namespace

template <class T>
void randomized_svd(const T* xc, index_t n, index_t d, index_t k, index_t n_oversamples, int n_iter,
                    Normalizer normalizer, std::uint64_t seed, int n_threads, T* singular_values, T* components,
                    const InterruptCheck& interrupt) {
    if (n < 1 || d < 1 || k < 1 || k > std::min(n, d))
        throw std::invalid_argument("randomized_svd needs 1 <= n_components <= min(n_samples, n_features)");
    if (n_oversamples < 0 || n_iter < 0) throw std::invalid_argument("n_oversamples and n_iter must be >= 0");
    n_threads = team_size(static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(k + n_oversamples),
                          n_threads);
    const int in = static_cast<int>(n), id = static_cast<int>(d);
    const int l = static_cast<int>(std::min(k + n_oversamples, std::min(n, d)));
    blas::ThreadsScope pool(detail::threads_for(2.0 * static_cast<double>(n) * static_cast<double>(d) * l, n_threads));

    std::vector<T> zt(static_cast<size_t>(l) * d);  // Z^T, l x d: Z column-major d x l
    std::vector<T> yt(static_cast<size_t>(l) * n);  // Y^T, l x n: Y column-major n x l
    Rng rng(seed);
    fill_standard_normal(rng, zt.data(), static_cast<index_t>(zt.size()));
    for (int iteration = 0; iteration < n_iter; ++iteration) {
        check_interrupt(interrupt);
        blas::gemm(false, true, l, in, id, T(1), zt.data(), id, xc, id, T(0), yt.data(), in);  // Y = X Z
        renormalize(yt.data(), in, l, normalizer);
        blas::gemm(false, false, l, id, in, T(1), yt.data(), in, xc, id, T(0), zt.data(), id);  // Z = X^T Y
        renormalize(zt.data(), id, l, normalizer);
    }
    blas::gemm(false, true, l, in, id, T(1), zt.data(), id, xc, id, T(0), yt.data(), in);
    orthonormalize_qr(yt.data(), in, l);  // Q
    // B = Q^T X (l x d); its right singular vectors approximate X's.
    blas::gemm(false, false, l, id, in, T(1), yt.data(), in, xc, id, T(0), zt.data(), id);
    std::vector<T> s(static_cast<size_t>(l)), rows(static_cast<size_t>(l) * d);
    svd_rows(zt.data(), l, d, n_threads, s.data(), rows.data());
    std::copy(s.begin(), s.begin() + k, singular_values);
    std::copy(rows.begin(), rows.begin() + k * d, components);
}

template void randomized_svd<float>(const float*, index_t, index_t, index_t, index_t, int, Normalizer, std::uint64_t,
                                    int, float*, float*, const InterruptCheck&);
template void randomized_svd<double>(const double*, index_t, index_t, index_t, index_t, int, Normalizer,
                                     std::uint64_t, int, double*, double*, const InterruptCheck&);

}  // namespace zoo::decomposition
