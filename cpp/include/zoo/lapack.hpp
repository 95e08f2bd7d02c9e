// Typed front door to LAPACK (LAPACKE from the scipy-openblas32 wheel, whose
// symbols carry a `scipy_` prefix). Column-major throughout: LAPACKE's
// row-major mode transposes every matrix into a scratch copy, so callers
// hand LAPACK a row-major matrix as its transpose instead (a row-major
// n x d array is a column-major d x n one). Each wrapper returns LAPACK's
// `info`: 0 on success, > 0 for a numerical failure (a non-positive pivot,
// a singular triangle), < 0 for a bad argument.
#pragma once

#include <lapacke.h>

namespace zoo::lapack {

// Cholesky factor of a symmetric positive definite matrix, in place.
inline int potrf(char uplo, int n, float* a, int lda) {
    return scipy_LAPACKE_spotrf(LAPACK_COL_MAJOR, uplo, n, a, lda);
}
inline int potrf(char uplo, int n, double* a, int lda) {
    return scipy_LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo, n, a, lda);
}

// Solves A X = B from potrf's factor; B (n x nrhs) is overwritten by X.
inline int potrs(char uplo, int n, int nrhs, const float* a, int lda, float* b, int ldb) {
    return scipy_LAPACKE_spotrs(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb);
}
inline int potrs(char uplo, int n, int nrhs, const double* a, int lda, double* b, int ldb) {
    return scipy_LAPACKE_dpotrs(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb);
}

// Reciprocal 1-norm condition estimate of A from potrf's factor and ||A||_1.
inline int pocon(char uplo, int n, const float* a, int lda, float anorm, float* rcond) {
    return scipy_LAPACKE_spocon(LAPACK_COL_MAJOR, uplo, n, a, lda, anorm, rcond);
}
inline int pocon(char uplo, int n, const double* a, int lda, double anorm, double* rcond) {
    return scipy_LAPACKE_dpocon(LAPACK_COL_MAJOR, uplo, n, a, lda, anorm, rcond);
}

// LQ factorisation A = L Q of an m x n matrix, in place; tau has min(m, n).
inline int gelqf(int m, int n, float* a, int lda, float* tau) {
    return scipy_LAPACKE_sgelqf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}
inline int gelqf(int m, int n, double* a, int lda, double* tau) {
    return scipy_LAPACKE_dgelqf(LAPACK_COL_MAJOR, m, n, a, lda, tau);
}

// C = op(Q) C (side 'L') or C op(Q) (side 'R') with Q from gelqf's k reflectors.
inline int ormlq(char side, char trans, int m, int n, int k, const float* a, int lda, const float* tau,
                 float* c, int ldc) {
    return scipy_LAPACKE_sormlq(LAPACK_COL_MAJOR, side, trans, m, n, k, a, lda, tau, c, ldc);
}
inline int ormlq(char side, char trans, int m, int n, int k, const double* a, int lda, const double* tau,
                 double* c, int ldc) {
    return scipy_LAPACKE_dormlq(LAPACK_COL_MAJOR, side, trans, m, n, k, a, lda, tau, c, ldc);
}

// Solves op(A) X = B for triangular A; B is overwritten by X.
inline int trtrs(char uplo, char trans, char diag, int n, int nrhs, const float* a, int lda, float* b,
                 int ldb) {
    return scipy_LAPACKE_strtrs(LAPACK_COL_MAJOR, uplo, trans, diag, n, nrhs, a, lda, b, ldb);
}
inline int trtrs(char uplo, char trans, char diag, int n, int nrhs, const double* a, int lda, double* b,
                 int ldb) {
    return scipy_LAPACKE_dtrtrs(LAPACK_COL_MAJOR, uplo, trans, diag, n, nrhs, a, lda, b, ldb);
}

// Reciprocal condition estimate of a triangular matrix.
inline int trcon(char norm, char uplo, char diag, int n, const float* a, int lda, float* rcond) {
    return scipy_LAPACKE_strcon(LAPACK_COL_MAJOR, norm, uplo, diag, n, a, lda, rcond);
}
inline int trcon(char norm, char uplo, char diag, int n, const double* a, int lda, double* rcond) {
    return scipy_LAPACKE_dtrcon(LAPACK_COL_MAJOR, norm, uplo, diag, n, a, lda, rcond);
}

// Minimum-norm least squares min ||B - A X|| through the SVD (divide and
// conquer); singular values <= rcond * s_max count as zero. B is
// max(m, n) x nrhs and receives X in its first n rows.
inline int gelsd(int m, int n, int nrhs, float* a, int lda, float* b, int ldb, float* s, float rcond,
                 int* rank) {
    return scipy_LAPACKE_sgelsd(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank);
}
inline int gelsd(int m, int n, int nrhs, double* a, int lda, double* b, int ldb, double* s, double rcond,
                 int* rank) {
    return scipy_LAPACKE_dgelsd(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank);
}

// Singular value decomposition A = U diag(s) V^T (divide and conquer).
inline int gesdd(char jobz, int m, int n, float* a, int lda, float* s, float* u, int ldu, float* vt,
                 int ldvt) {
    return scipy_LAPACKE_sgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}
inline int gesdd(char jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt,
                 int ldvt) {
    return scipy_LAPACKE_dgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt);
}

// Eigenpairs il..iu (1-based, ascending) of a symmetric matrix.
inline int syevr(char uplo, int n, double* a, int lda, int il, int iu, int* m, double* w, double* z, int ldz,
                 int* isuppz) {
    return scipy_LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', uplo, n, a, lda, 0.0, 0.0, il, iu, 0.0, m, w, z, ldz,
                                isuppz);
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

}  // namespace zoo::lapack
