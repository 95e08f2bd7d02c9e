// Host-side helpers for zoo's CUDA kernels: error checks that throw, and
// device buffers that free themselves. Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace zoo::cuda {

inline void check(cudaError_t status, const char* what) {
    if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

// A device array of n values; moves, never copies.
template <class T>
class DeviceBuffer {
public:
    explicit DeviceBuffer(std::size_t n) : n_(n) {
        if (n_ > 0) check(cudaMalloc(reinterpret_cast<void**>(&data_), n_ * sizeof(T)), "cudaMalloc");
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept : data_(other.data_), n_(other.n_) {
        other.data_ = nullptr;
        other.n_ = 0;
    }
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(n_, other.n_);
        return *this;
    }
    ~DeviceBuffer() {
        if (data_) cudaFree(data_);
    }

    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return n_; }

    void upload(const T* host) { check(cudaMemcpy(data_, host, n_ * sizeof(T), cudaMemcpyHostToDevice), "upload"); }
    void download(T* host) const {
        check(cudaMemcpy(host, data_, n_ * sizeof(T), cudaMemcpyDeviceToHost), "download");
    }
    void zero() { check(cudaMemset(data_, 0, n_ * sizeof(T)), "cudaMemset"); }

private:
    T* data_ = nullptr;
    std::size_t n_;
};

#ifdef __CUDACC__
constexpr int kBlockThreads = 256;

// Sums `value` over a block of kBlockThreads threads in shared memory;
// thread 0 adds the block's total to *total. Every thread must call it.
template <class V>
__device__ void block_add(V value, V* total) {
    __shared__ V partial[kBlockThreads];
    partial[threadIdx.x] = value;
    __syncthreads();
    for (int stride = kBlockThreads / 2; stride > 0; stride /= 2) {
        if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
        __syncthreads();
    }
    if (threadIdx.x == 0) atomicAdd(total, partial[0]);
}

inline unsigned blocks_for(std::size_t items) {
    return static_cast<unsigned>((items + kBlockThreads - 1) / kBlockThreads);
}
#endif

}  // namespace zoo::cuda
