// A scoped thread count for OpenBLAS's own pool, for the linear solvers'
// calls that let BLAS/LAPACK parallelise one large operation.
#pragma once

#include <cblas.h>

namespace zoo::linear {

class BlasThreads {
public:
    explicit BlasThreads(int n) : previous_(scipy_openblas_get_num_threads()) {
        if (n != previous_) scipy_openblas_set_num_threads(n);
    }
    ~BlasThreads() {
        if (scipy_openblas_get_num_threads() != previous_) scipy_openblas_set_num_threads(previous_);
    }
    BlasThreads(const BlasThreads&) = delete;
    BlasThreads& operator=(const BlasThreads&) = delete;

private:
    int previous_;
};

}  // namespace zoo::linear
