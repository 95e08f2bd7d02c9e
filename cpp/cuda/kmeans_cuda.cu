// Lloyd's k-means on the GPU. The assignment pass (nearest centre, the
// per-cluster weighted sums, the count of changed labels) runs on the
// device, one thread per point; the k x d sums come back each iteration
// and the host finishes the step exactly as kmeans_lloyd.cpp does (centre
// update, empty-cluster relocation, stopping rules), so the two engines
// follow the same iterates up to the order of floating-point additions.
#include <algorithm>
#include <numeric>
#include <vector>

#include "device.hpp"
#include "kmeans_cuda.hpp"

namespace zoo::cuda {

namespace {

constexpr int kThreads = kBlockThreads;

template <class T>
__device__ T squared_distance(const T* a, const T* b, std::int64_t d) {
    T acc = 0;
    for (std::int64_t f = 0; f < d; ++f) {
        const T diff = a[f] - b[f];
        acc += diff * diff;
    }
    return acc;
}

// Nearest centre of each point (ties to the lowest index, as on the CPU),
// its squared distance, and when `accumulate`, the point added to its
// cluster's weighted sums and the labels that changed counted.
template <class T>
__global__ void assign(const T* x, const T* weight, const T* centers, std::int64_t n, std::int64_t d, int k,
                       std::int32_t* labels, T* nearest_sq, double* sums, double* weights,
                       unsigned long long* changed, bool accumulate) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    unsigned long long moved = 0;
    if (i < n) {
        const T* row = x + i * d;
        int best = 0;
        T best_sq = squared_distance(row, centers, d);
        for (int j = 1; j < k; ++j) {
            const T sq = squared_distance(row, centers + static_cast<std::int64_t>(j) * d, d);
            if (sq < best_sq) {
                best_sq = sq;
                best = j;
            }
        }
        moved = labels[i] != best;
        labels[i] = best;
        nearest_sq[i] = best_sq;
        if (accumulate) {
            const double w = static_cast<double>(weight[i]);
            double* target = sums + static_cast<std::int64_t>(best) * d;
            for (std::int64_t f = 0; f < d; ++f) atomicAdd(target + f, w * static_cast<double>(row[f]));
            atomicAdd(weights + best, w);
        }
    }
    if (accumulate) block_add(moved, changed);
}

template <class T>
__global__ void weighted_inertia(const T* x, const T* weight, const T* centers, const std::int32_t* labels,
                                 std::int64_t n, std::int64_t d, double* total) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    double value = 0.0;
    if (i < n)
        value = static_cast<double>(weight[i]) *
                static_cast<double>(squared_distance(x + i * d, centers + static_cast<std::int64_t>(labels[i]) * d, d));
    block_add(value, total);
}

// Clusters left without weight take the points farthest from their centres
// (ties to the lowest index), as relocate_empty_clusters in kmeans_common.hpp.
template <class T>
void relocate_empty(const T* x, const T* weight, std::int64_t n, std::int64_t d, int k, DeviceBuffer<std::int32_t>& labels_d,
                    const DeviceBuffer<T>& nearest_d, std::vector<double>& sums, std::vector<double>& weights) {
    std::vector<int> empty;
    for (int j = 0; j < k; ++j)
        if (weights[static_cast<std::size_t>(j)] <= 0.0) empty.push_back(j);
    if (empty.empty()) return;
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    std::vector<T> distance(static_cast<std::size_t>(n));
    labels_d.download(labels.data());
    nearest_d.download(distance.data());
    std::vector<std::int64_t> candidates;
    for (std::int64_t i = 0; i < n; ++i)
        if (weight[i] > 0) candidates.push_back(i);
    const std::size_t take = std::min(empty.size(), candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end(),
                      [&](std::int64_t a, std::int64_t b) {
                          const T da = distance[static_cast<std::size_t>(a)], db = distance[static_cast<std::size_t>(b)];
                          return da > db || (da == db && a < b);
                      });
    for (std::size_t e = 0; e < take; ++e) {
        const std::int64_t i = candidates[e];
        const double w = static_cast<double>(weight[i]);
        const int from = labels[static_cast<std::size_t>(i)], to = empty[e];
        for (std::int64_t f = 0; f < d; ++f) {
            const double v = w * static_cast<double>(x[i * d + f]);
            sums[static_cast<std::size_t>(from * d + f)] -= v;
            sums[static_cast<std::size_t>(to * d + f)] += v;
        }
        weights[static_cast<std::size_t>(from)] -= w;
        weights[static_cast<std::size_t>(to)] += w;
        labels[static_cast<std::size_t>(i)] = to;
    }
    labels_d.upload(labels.data());
}

// New centre = weighted mean of its points (a centre without weight stays);
// returns the total squared shift. As update_centers in kmeans_common.hpp.
template <class T>
double update_centers(const std::vector<double>& sums, const std::vector<double>& weights, int k, std::int64_t d,
                      T* centers) {
    double shift = 0.0;
    for (int j = 0; j < k; ++j) {
        const double w = weights[static_cast<std::size_t>(j)];
        if (w <= 0.0) continue;
        for (std::int64_t f = 0; f < d; ++f) {
            const T updated = static_cast<T>(sums[static_cast<std::size_t>(j * d + f)] / w);
            const double diff = static_cast<double>(updated) - static_cast<double>(centers[j * d + f]);
            shift += diff * diff;
            centers[j * d + f] = updated;
        }
    }
    return shift;
}

}  // namespace

template <class T>
KMeansSummary kmeans_lloyd(const T* x, const T* weight, std::int64_t n, std::int64_t d, int k, T* centers,
                           std::int32_t* labels, int max_iter, double tol) {
    if (n < 1 || d < 1 || k < 1 || k > n) throw std::invalid_argument("k-means needs 1 <= n_clusters <= n_samples");
    if (max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
    const std::size_t nd = static_cast<std::size_t>(n * d), kd = static_cast<std::size_t>(k) * d;
    DeviceBuffer<T> x_d(nd), weight_d(static_cast<std::size_t>(n)), centers_d(kd), nearest_d(static_cast<std::size_t>(n));
    DeviceBuffer<std::int32_t> labels_d(static_cast<std::size_t>(n));
    DeviceBuffer<double> sums_d(kd), weights_d(static_cast<std::size_t>(k)), inertia_d(1);
    DeviceBuffer<unsigned long long> changed_d(1);
    x_d.upload(x);
    weight_d.upload(weight);
    centers_d.upload(centers);
    // No point starts with a label (all bytes 0xFF is -1): the first pass counts every point as changed.
    check(cudaMemset(labels_d.data(), 0xFF, static_cast<std::size_t>(n) * sizeof(std::int32_t)), "cudaMemset");

    const unsigned blocks = static_cast<unsigned>((n + kThreads - 1) / kThreads);
    std::vector<double> sums(kd), weights(static_cast<std::size_t>(k));
    bool stable = false;
    int iteration = 0;
    while (iteration < max_iter) {
        ++iteration;
        sums_d.zero();
        weights_d.zero();
        changed_d.zero();
        assign<T><<<blocks, kThreads>>>(x_d.data(), weight_d.data(), centers_d.data(), n, d, k, labels_d.data(),
                                        nearest_d.data(), sums_d.data(), weights_d.data(), changed_d.data(), true);
        check(cudaGetLastError(), "assign kernel");
        unsigned long long changed = 0;
        changed_d.download(&changed);
        sums_d.download(sums.data());
        weights_d.download(weights.data());
        relocate_empty(x, weight, n, d, k, labels_d, nearest_d, sums, weights);
        const double shift = update_centers(sums, weights, k, d, centers);
        centers_d.upload(centers);
        if (changed == 0) {
            stable = true;
            break;
        }
        if (shift <= tol) break;
    }
    // Centres moved after the last assignment: label against the final centres.
    if (!stable) {
        assign<T><<<blocks, kThreads>>>(x_d.data(), weight_d.data(), centers_d.data(), n, d, k, labels_d.data(),
                                        nearest_d.data(), nullptr, nullptr, nullptr, false);
        check(cudaGetLastError(), "assign kernel");
    }
    inertia_d.zero();
    weighted_inertia<T><<<blocks, kThreads>>>(x_d.data(), weight_d.data(), centers_d.data(), labels_d.data(), n, d,
                                              inertia_d.data());
    check(cudaGetLastError(), "inertia kernel");
    double inertia = 0.0;
    inertia_d.download(&inertia);
    labels_d.download(labels);
    return {iteration, inertia};
}

int device_count(const char** reason) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        *reason = cudaGetErrorString(status);
        return 0;
    }
    *reason = count > 0 ? "" : "no CUDA device is visible";
    return count;
}

template KMeansSummary kmeans_lloyd<float>(const float*, const float*, std::int64_t, std::int64_t, int, float*,
                                           std::int32_t*, int, double);
template KMeansSummary kmeans_lloyd<double>(const double*, const double*, std::int64_t, std::int64_t, int, double*,
                                            std::int32_t*, int, double);

}  // namespace zoo::cuda
