// Formulas that the C++ engine and the CUDA kernels both evaluate are
// written once and marked ZOO_HOST_DEVICE: __host__ __device__ under nvcc,
// nothing for the host compiler.
#pragma once

#ifdef __CUDACC__
#define ZOO_HOST_DEVICE __host__ __device__
#else
#define ZOO_HOST_DEVICE
#endif
