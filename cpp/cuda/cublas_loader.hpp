// cuBLAS, found at run time: zoo._cuda links only the CUDA runtime, so it
// imports where cuBLAS is missing; the networks' products load it on first
// use from the paths Python passes (the nvidia-cublas wheel's folder) or
// the system's library path. The few entry points are declared here with
// cuBLAS's stable C ABI, so no cuBLAS header is needed to build.
#pragma once

#include <string>
#include <vector>

namespace zoo::cuda {

struct CublasContext;  // cuBLAS's opaque handle type
using CublasHandle = CublasContext*;
enum CublasOperation : int { kNoTrans = 0, kTrans = 1 };

struct Cublas {
    int (*create)(CublasHandle*) = nullptr;
    int (*destroy)(CublasHandle) = nullptr;
    int (*sgemm)(CublasHandle, int, int, int, int, int, const float*, const float*, int, const float*, int,
                 const float*, float*, int) = nullptr;
    int (*dgemm)(CublasHandle, int, int, int, int, int, const double*, const double*, int, const double*, int,
                 const double*, double*, int) = nullptr;
    CublasHandle handle = nullptr;
};

// Loads cuBLAS once per process (the first of `candidates` that opens, then
// the default names) and creates a handle; throws std::runtime_error naming
// what was tried.
const Cublas& cublas(const std::vector<std::string>& candidates = {});

// Column-major C = op(A) op(B) (alpha 1, beta 0), as cuBLAS's gemm.
void gemm(const Cublas& blas, CublasOperation a, CublasOperation b, int m, int n, int k, const float* A, int lda,
          const float* B, int ldb, float* C, int ldc, float beta = 0.0f);
void gemm(const Cublas& blas, CublasOperation a, CublasOperation b, int m, int n, int k, const double* A, int lda,
          const double* B, int ldb, double* C, int ldc, double beta = 0.0);

}  // namespace zoo::cuda
