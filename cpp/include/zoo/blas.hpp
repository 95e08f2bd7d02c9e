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

// OpenBLAS keeps its own pthread pool, sized process-wide. A kernel sets it
// for its duration and restores it after: to 1 around our own OpenMP regions
// (every thread already owns a chunk; two pools would oversubscribe the
// cores), or to n_jobs where BLAS itself is the parallel part.
class ThreadCountScope {
public:
    explicit ThreadCountScope(int n_threads) : previous_(scipy_openblas_get_num_threads()) {
        if (previous_ != n_threads) scipy_openblas_set_num_threads(n_threads);
        current_ = n_threads;
    }
    ~ThreadCountScope() {
        if (previous_ != current_) scipy_openblas_set_num_threads(previous_);
    }
    ThreadCountScope(const ThreadCountScope&) = delete;
    ThreadCountScope& operator=(const ThreadCountScope&) = delete;

private:
    int previous_;
    int current_;
};

class SingleThreadedScope : public ThreadCountScope {
public:
    SingleThreadedScope() : ThreadCountScope(1) {}
};

}  // namespace zoo::blas
