// Host-side helpers for zoo's CUDA kernels: error checks that throw, and
// device buffers that free themselves. Included by .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>
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

}  // namespace zoo::cuda
