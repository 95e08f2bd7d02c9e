// Typed front door to OpenBLAS (from the scipy-openblas32 wheel, whose symbols
// carry a `scipy_` prefix). Kernels call zoo::blas::gemm<T>, never cblas directly.
#pragma once

#include <cblas.h>

namespace zoo::blas {

// C = alpha * op(A) * op(B) + beta * C, all row-major.
inline void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                 int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    scipy_cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                      trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta,
                      c, ldc);
}

inline void gemm(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double* a,
                 int lda, const double* b, int ldb, double beta, double* c, int ldc) {
    scipy_cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                      trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta,
                      c, ldc);
}

// y = alpha * op(A) * x + beta * y, A row-major m x n.
inline void gemv(bool trans_a, int m, int n, float alpha, const float* a, int lda, const float* x,
                 float beta, float* y) {
    scipy_cblas_sgemv(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1,
                      beta, y, 1);
}

inline void gemv(bool trans_a, int m, int n, double alpha, const double* a, int lda, const double* x,
                 double beta, double* y) {
    scipy_cblas_dgemv(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1,
                      beta, y, 1);
}

// The upper triangle of C (n x n, row-major) = alpha * A^T A + beta * C for
// A row-major k x n: the Gram matrix X^T X at half a GEMM's cost.
inline void syrk_gram(int n, int k, float alpha, const float* a, int lda, float beta, float* c, int ldc) {
    scipy_cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k, alpha, a, lda, beta, c, ldc);
}

inline void syrk_gram(int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                      int ldc) {
    scipy_cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k, alpha, a, lda, beta, c, ldc);
}

// OpenBLAS keeps its own pthread pool, sized process-wide. This guard sizes
// it to n threads for one scope and restores the previous count: n > 1 for
// one large BLAS/LAPACK call made outside any OpenMP region.
class ThreadsScope {
public:
    explicit ThreadsScope(int n) : previous_(scipy_openblas_get_num_threads()) {
        if (n != previous_) scipy_openblas_set_num_threads(n);
    }
    ~ThreadsScope() {
        if (scipy_openblas_get_num_threads() != previous_) scipy_openblas_set_num_threads(previous_);
    }
    ThreadsScope(const ThreadsScope&) = delete;
    ThreadsScope& operator=(const ThreadsScope&) = delete;

private:
    int previous_;
};

// Our kernels parallelise with OpenMP and give every thread its own piece of
// work, so BLAS must run single-threaded there or the two pools oversubscribe
// the cores (OpenBLAS's own omp_in_parallel check does not fire in a team of
// one, so n_jobs=1 would still use every core). Scope this guard around such
// kernels.
class SingleThreadedScope : public ThreadsScope {
public:
    SingleThreadedScope() : ThreadsScope(1) {}
};

}  // namespace zoo::blas
