// k-means on an NVIDIA GPU: Lloyd iterations whose assignment (nearest
// centre with per-cluster sums) runs on the device. Plain C++ interface, so
// the pybind11 module is compiled by the host compiler.
#pragma once

#include <cstdint>

namespace zoo::cuda {

struct KMeansSummary {
    int n_iter;
    double inertia;
};

// As zoo::cluster::kmeans_lloyd (cpp/src/cluster/kmeans_lloyd.cpp): the same
// steps, stopping rules and empty-cluster relocation, on centred float data
// x (n x d) with weights; `centers` (k x d) in and out, `labels` out.
template <class T>
KMeansSummary kmeans_lloyd(const T* x, const T* weight, std::int64_t n, std::int64_t d, int k, T* centers,
                           std::int32_t* labels, int max_iter, double tol);

// (number of devices, "" or why there are none): never throws.
int device_count(const char** reason);

}  // namespace zoo::cuda
