// Typed LAPACK wrappers for the decomposition kernels (column-major, as
// LAPACK is natively: a row-major m x d array is handed over as the
// column-major d x m matrix it is, never transposed into scratch). Each
// returns LAPACK's info; check_info turns a failure into an exception.
#pragma once

#include <lapacke.h>

#include <stdexcept>
#include <string>

namespace zoo::decomposition::detail {

inline void check_info(int info, const char* routine) {
    if (info < 0) throw std::invalid_argument(std::string(routine) + ": argument " + std::to_string(-info) + " invalid");
    if (info > 0) throw std::runtime_error(std::string(routine) + " did not converge (info " + std::to_string(info) + ")");
}

// Eigenpairs il..iu (1-based, ascending) of a symmetric matrix.
inline int syevr(char uplo, int n, double* a, int lda, int il, int iu, int* m, double* w, double* z, int ldz,
                 int* isuppz) {
    return scipy_LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', uplo, n, a, lda, 0.0, 0.0, il, iu, 0.0, m, w, z, ldz,
                                isuppz);
}

inline int gesdd(char jobz, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt, int ldvt) {
    return scipy_LAPACKE_sgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}
inline int gesdd(char jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt) {
    return scipy_LAPACKE_dgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}

// LQ factorisation A = L Q of an m x n matrix, in place.
inline int gelqf(int m, int n, float* a, int lda, float* tau) {
    return scipy_LAPACKE_sgelqf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}
inline int gelqf(int m, int n, double* a, int lda, double* tau) {
    return scipy_LAPACKE_dgelqf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}

inline int geqrf(int m, int n, float* a, int lda, float* tau) {
    return scipy_LAPACKE_sgeqrf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}
inline int geqrf(int m, int n, double* a, int lda, double* tau) {
    return scipy_LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}

inline int orgqr(int m, int n, int k, float* a, int lda, const float* tau) {
    return scipy_LAPACKE_sorgqr(LAPACK_COL_MAJOR, m, n, k, a, lda, tau);
}
inline int orgqr(int m, int n, int k, double* a, int lda, const double* tau) {
    return scipy_LAPACKE_dorgqr(LAPACK_COL_MAJOR, m, n, k, a, lda, tau);
}

inline int getrf(int m, int n, float* a, int lda, int* ipiv) {
    return scipy_LAPACKE_sgetrf(LAPACK_COL_MAJOR, m, n, a, lda, ipiv);
}
inline int getrf(int m, int n, double* a, int lda, int* ipiv) {
    return scipy_LAPACKE_dgetrf(LAPACK_COL_MAJOR, m, n, a, lda, ipiv);
}

// Row interchanges ipiv[k1-1..k2-1]; incx = -1 applies them in reverse order.
inline int laswp(int n, float* a, int lda, int k1, int k2, const int* ipiv, int incx) {
    return scipy_LAPACKE_slaswp(LAPACK_COL_MAJOR, n, a, lda, k1, k2, ipiv, incx);
}
inline int laswp(int n, double* a, int lda, int k1, int k2, const int* ipiv, int incx) {
    return scipy_LAPACKE_dlaswp(LAPACK_COL_MAJOR, n, a, lda, k1, k2, ipiv, incx);
}

// Threads worth waking for a call of about `flops` floating-point
// operations: below ~10^7 (a millisecond on one core) the hand-off to
// OpenBLAS's pool costs more than it saves, and on a busy machine a
// sleeping pool thread can take far longer than that to wake.
inline int threads_for(double flops, int n_threads) { return flops < 2e7 ? 1 : n_threads; }

// The sign convention shared by every solver: each row's largest-magnitude
// entry (the first one on ties) is made positive.
template <class T>
void flip_signs(T* rows, std::int64_t k, std::int64_t d) {
    for (std::int64_t i = 0; i < k; ++i) {
        T* row = rows + i * d;
        std::int64_t best = 0;
        T best_abs = row[0] < 0 ? -row[0] : row[0];
        for (std::int64_t j = 1; j < d; ++j) {
            const T a = row[j] < 0 ? -row[j] : row[j];
            if (a > best_abs) {
                best_abs = a;
                best = j;
            }
        }
        if (row[best] < 0)
            for (std::int64_t j = 0; j < d; ++j) row[j] = -row[j];
    }
}

}  // namespace zoo::decomposition::detail
