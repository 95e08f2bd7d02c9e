// Principal component analysis kernels: the covariance eigensolver, the SVD
// of a (centred) data matrix, the randomized range finder of Halko et al.,
// and the projection onto components. Stateless functions over caller-owned,
// row-major buffers; components come back as rows, sorted by decreasing
// variance, each with its largest-magnitude loading positive (the first such
// loading on ties), so every solver returns the same signs.
#pragma once

#include <cstdint>

#include "zoo/interrupt.hpp"

namespace zoo::decomposition {

using index_t = std::int64_t;

// Covariance route: column means (double), the Gram matrix of the centred
// rows by SYRK (row blocks of float32 input are multiplied in float32 and
// accumulated in float64), then the top `k` eigenpairs of the covariance
// (Gram / (n - 1)) by LAPACK's syevr. Writes `mean` (d), `variances` (k,
// decreasing, clipped at 0), `components` (k x d) and the total variance
// (the covariance's trace). 1 <= k <= d, n >= 2.
template <class T>
void covariance_eigh(const T* x, index_t n, index_t d, index_t k, int n_threads, double* mean, double* variances,
                     T* components, double* total_variance);

// SVD of a row-major m x d matrix `a` (destroyed) by LAPACK's gesdd: the
// r = min(m, d) singular values (decreasing) into `singular_values` and the
// right singular vectors as the rows of `components` (r x d).
template <class T>
void svd_rows(T* a, index_t m, index_t d, int n_threads, T* singular_values, T* components);

enum class Normalizer { none, lu, qr };

// Randomized SVD of the centred n x d matrix `xc` (Halko, Martinsson & Tropp
// 2011, algorithms 4.4 and 5.1): a Gaussian d x l test matrix (l = k +
// n_oversamples, at most min(n, d)) drawn from `seed`, `n_iter` power
// iterations, each product re-normalised by `normalizer`, a QR basis Q of
// xc * Omega, and the SVD of Q^T xc. Writes the top k singular values and
// components (k x d).
// `interrupt` runs between power iterations.
template <class T>
void randomized_svd(const T* xc, index_t n, index_t d, index_t k, index_t n_oversamples, int n_iter,
                    Normalizer normalizer, std::uint64_t seed, int n_threads, T* singular_values, T* components,
                    const InterruptCheck& interrupt = {});

// out (n x k) = (x - mean) components^T, column j then multiplied by
// scale[j] when `scale` is not null (whitening).
template <class T>
void project(const T* x, index_t n, index_t d, const T* mean, const T* components, index_t k, const T* scale,
             int n_threads, T* out);

}  // namespace zoo::decomposition
