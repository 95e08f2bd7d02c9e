// Building blocks shared by the k-means kernels (private to cpp/src/cluster).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/cluster.hpp"
#include "zoo/parallel.hpp"

namespace zoo::cluster::detail {

// Rows per BLAS call: a 256-row block of X and its 256 x k distance block stay
// in L2 cache, as in scikit-learn's chunked Lloyd.
constexpr index_t kChunkRows = 256;

// `omp simd reduction` lets the compiler split the sum into vector lanes (a
// plain loop must keep the serial order and stays scalar); the lane order is
// fixed at compile time, so results stay reproducible.
template <class T>
[[gnu::always_inline]] inline T sq_distance(const T* a, const T* b, index_t d) {
    T acc = 0;
#pragma omp simd reduction(+ : acc)
    for (index_t f = 0; f < d; ++f) {
        const T diff = a[f] - b[f];
        acc += diff * diff;
    }
    return acc;
}

// Threads one pass over the points against k centres pays for (n k d
// multiply-adds; parallel.hpp's rule). Every k-means entry point sizes its
// team with it, so a fit on a few hundred points stays on the calling thread.
inline int pass_team(index_t n, index_t d, index_t k, int n_threads) {
    return team_size(static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(k), n_threads);
}

template <class T>
void check_problem(const Points<T>& points, int k, int n_threads) {
    if (points.n < 1 || points.d < 1) throw std::invalid_argument("X must have at least one sample and one feature");
    if (k < 1) throw std::invalid_argument("n_clusters must be >= 1");
    if (points.n < k) {
        throw std::invalid_argument("n_samples=" + std::to_string(points.n) +
                                    " should be >= n_clusters=" + std::to_string(k));
    }
    checked_threads(n_threads);
}

template <class T>
std::vector<T> row_sq_norms(const T* x, index_t rows, index_t d) {
    std::vector<T> norms(static_cast<size_t>(rows));
    for (index_t i = 0; i < rows; ++i) {
        const T* row = x + i * d;
        T acc = 0;
#pragma omp simd reduction(+ : acc)
        for (index_t f = 0; f < d; ++f) acc += row[f] * row[f];
        norms[static_cast<size_t>(i)] = acc;
    }
    return norms;
}

// Squared distances of `rows` points to k centres through one GEMM,
// ||x||^2 - 2 x.c + ||c||^2 clamped at 0, written point-major (rows x k).
template <class T>
void chunk_sq_distances(const T* x, index_t rows, index_t d, const T* centers, const T* center_sq,
                        int k, const T* x_sq, T* out) {
    blas::gemm(false, true, static_cast<int>(rows), k, static_cast<int>(d), T(-2), x,
               static_cast<int>(d), centers, static_cast<int>(d), T(0), out, k);
    for (index_t i = 0; i < rows; ++i) {
        T* row = out + i * k;
        const T xi = x_sq[i];
        for (int j = 0; j < k; ++j) row[j] = std::max(row[j] + center_sq[j] + xi, T(0));
    }
}

template <class T>
inline int argmin(const T* values, int k) {
    int best = 0;
    for (int j = 1; j < k; ++j)
        if (values[j] < values[best]) best = j;
    return best;
}

// Nearest centre, its squared distance and the second-smallest squared
// distance for a block of points. The GEMM writes distances centre-major
// (k x rows), so the scan over centres runs across points in vector lanes
// with no serial dependency. Ties go to the lowest centre index.
template <class T>
struct NearestBlock {
    std::vector<T> distances;  // k x rows
    std::vector<std::int32_t> best;
    std::vector<T> best_value;
    std::vector<T> second_value;

    // `exact` adds ||x||^2 (true squared distances, clamped at 0); without it
    // the values only rank the centres. `second` also tracks the runner-up.
    void compute(const T* x, index_t rows, index_t d, const T* centers, const T* center_sq, int k, bool exact,
                 bool second) {
        distances.resize(static_cast<size_t>(k * rows));
        best.assign(static_cast<size_t>(rows), 0);
        best_value.assign(static_cast<size_t>(rows), std::numeric_limits<T>::infinity());
        second_value.assign(static_cast<size_t>(rows), std::numeric_limits<T>::infinity());
        blas::gemm(false, true, k, static_cast<int>(rows), static_cast<int>(d), T(-2), centers, static_cast<int>(d), x,
                   static_cast<int>(d), T(0), distances.data(), static_cast<int>(rows));
        std::int32_t* idx = best.data();
        T* lowest = best_value.data();
        T* runner_up = second_value.data();
        for (int j = 0; j < k; ++j) {
            const T* column = distances.data() + j * rows;
            const T norm = center_sq[j];
            if (second) {
#pragma omp simd
                for (index_t r = 0; r < rows; ++r) {
                    const T v = column[r] + norm;
                    const bool smaller = v < lowest[r];
                    runner_up[r] = smaller ? lowest[r] : (v < runner_up[r] ? v : runner_up[r]);
                    lowest[r] = smaller ? v : lowest[r];
                    idx[r] = smaller ? j : idx[r];
                }
            } else {
#pragma omp simd
                for (index_t r = 0; r < rows; ++r) {
                    const T v = column[r] + norm;
                    const bool smaller = v < lowest[r];
                    lowest[r] = smaller ? v : lowest[r];
                    idx[r] = smaller ? j : idx[r];
                }
            }
        }
        if (!exact) return;
        for (index_t r = 0; r < rows; ++r) {
            const T* row = x + r * d;
            T acc = 0;
#pragma omp simd reduction(+ : acc)
            for (index_t f = 0; f < d; ++f) acc += row[f] * row[f];
            lowest[r] = std::max(lowest[r] + acc, T(0));
            runner_up[r] = std::max(runner_up[r] + acc, T(0));
        }
    }
};

// Calls visit(i, nearest, r, thread) for every point i, where row r of the
// thread's NearestBlock holds that point's nearest centres. Chunks of rows
// run in parallel.
template <class T, class Visit>
void for_each_nearest(const Points<T>& points, int k, const T* centers, bool exact, bool second, int n_threads,
                      Visit&& visit) {
    const index_t d = points.d;
    const std::vector<T> c_sq = row_sq_norms(centers, k, d);
    std::vector<NearestBlock<T>> blocks(static_cast<size_t>(n_threads));
    parallel_chunks(ceil_div(points.n, kChunkRows), n_threads, [&](index_t chunk, int thread) {
        NearestBlock<T>& nearest = blocks[static_cast<size_t>(thread)];
        const index_t begin = chunk * kChunkRows, rows = std::min(kChunkRows, points.n - begin);
        nearest.compute(points.x + begin * d, rows, d, centers, c_sq.data(), k, exact, second);
        for (index_t r = 0; r < rows; ++r) visit(begin + r, nearest, r, thread);
    });
}

// Calls visit(i, sq_distances_row, thread) for every point, the row holding
// its exact squared distances to all k centres (chunked GEMMs in parallel).
template <class T, class Visit>
void for_each_point_distances(const Points<T>& points, int k, const T* centers, int n_threads, Visit&& visit) {
    const index_t d = points.d;
    const std::vector<T> c_sq = row_sq_norms(centers, k, d);
    std::vector<std::vector<T>> scratch(static_cast<size_t>(n_threads));
    parallel_chunks(ceil_div(points.n, kChunkRows), n_threads, [&](index_t chunk, int thread) {
        std::vector<T>& distances = scratch[static_cast<size_t>(thread)];
        distances.resize(static_cast<size_t>(kChunkRows * k));
        const index_t begin = chunk * kChunkRows, rows = std::min(kChunkRows, points.n - begin);
        const T* x = points.x + begin * d;
        const std::vector<T> x_sq = row_sq_norms(x, rows, d);
        chunk_sq_distances(x, rows, d, centers, c_sq.data(), k, x_sq.data(), distances.data());
        for (index_t r = 0; r < rows; ++r) visit(begin + r, distances.data() + r * k, thread);
    });
}

// Per-thread running sums of the points assigned to each centre, kept in
// double so float32 data does not lose precision over many points.
struct ClusterSums {
    std::vector<double> sums;     // k x d
    std::vector<double> weights;  // k

    ClusterSums(int k, index_t d) : sums(static_cast<size_t>(k * d), 0.0), weights(static_cast<size_t>(k), 0.0) {}

    void clear() {
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(weights.begin(), weights.end(), 0.0);
    }

    template <class T>
    void add(int cluster, const T* row, index_t d, double w) {
        double* target = sums.data() + cluster * d;
        for (index_t f = 0; f < d; ++f) target[f] += w * static_cast<double>(row[f]);
        weights[static_cast<size_t>(cluster)] += w;
    }

    template <class T>
    void move(int from, int to, const T* row, index_t d, double w) {
        add(from, row, d, -w);
        add(to, row, d, w);
    }

    // Adds `others` in their given order, so the total is reproducible.
    void merge(const std::vector<ClusterSums>& others) {
        for (const ClusterSums& other : others) {
            for (size_t i = 0; i < sums.size(); ++i) sums[i] += other.sums[i];
            for (size_t j = 0; j < weights.size(); ++j) weights[j] += other.weights[j];
        }
    }
};

// Clusters that lost all their (weighted) points take the points farthest
// from their current centres, as scikit-learn does. The moved points change
// label, and `sums` follows them. Returns the relocated points.
template <class T>
std::vector<index_t> relocate_empty_clusters(const Points<T>& points, int k, const T* centers,
                                             std::int32_t* labels, ClusterSums& sums) {
    std::vector<int> empty;
    for (int j = 0; j < k; ++j)
        if (sums.weights[static_cast<size_t>(j)] <= 0.0) empty.push_back(j);
    if (empty.empty()) return {};

    const index_t d = points.d;
    std::vector<index_t> candidates;
    std::vector<T> distance(static_cast<size_t>(points.n));
    for (index_t i = 0; i < points.n; ++i) {
        distance[static_cast<size_t>(i)] = sq_distance(points.x + i * d, centers + labels[i] * d, d);
        if (points.weight[i] > 0) candidates.push_back(i);
    }
    const size_t take = std::min(empty.size(), candidates.size());
    // Farthest first; ties broken by index so the choice is reproducible.
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end(),
                      [&](index_t a, index_t b) {
                          const T da = distance[static_cast<size_t>(a)], db = distance[static_cast<size_t>(b)];
                          return da > db || (da == db && a < b);
                      });
    candidates.resize(take);
    for (size_t e = 0; e < take; ++e) {
        const index_t i = candidates[e];
        sums.move(labels[i], empty[e], points.x + i * d, d, static_cast<double>(points.weight[i]));
        labels[i] = empty[e];
    }
    return candidates;
}

// new centre = weighted mean of its points; a centre left without weight
// (only possible when every remaining point has zero weight) stays put.
// Returns the squared shift of each centre in `shift_sq`.
template <class T>
void update_centers(const ClusterSums& sums, int k, index_t d, T* centers, std::vector<double>& shift_sq) {
    shift_sq.assign(static_cast<size_t>(k), 0.0);
    for (int j = 0; j < k; ++j) {
        const double w = sums.weights[static_cast<size_t>(j)];
        if (w <= 0.0) continue;
        double shift = 0.0;
        for (index_t f = 0; f < d; ++f) {
            const T updated = static_cast<T>(sums.sums[static_cast<size_t>(j * d + f)] / w);
            const double diff = static_cast<double>(updated) - static_cast<double>(centers[j * d + f]);
            shift += diff * diff;
            centers[j * d + f] = updated;
        }
        shift_sq[static_cast<size_t>(j)] = shift;
    }
}

inline double total(const std::vector<double>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0);
}

template <class T>
double weighted_inertia(const Points<T>& points, const T* centers, const std::int32_t* labels, int n_threads) {
    const index_t n_chunks = ceil_div(points.n, kChunkRows);
    std::vector<double> per_chunk(static_cast<size_t>(n_chunks), 0.0);
    parallel_chunks(n_chunks, n_threads, [&](index_t chunk, int) {
        const index_t begin = chunk * kChunkRows, end = std::min(points.n, begin + kChunkRows);
        double acc = 0.0;
        for (index_t i = begin; i < end; ++i)
            acc += static_cast<double>(points.weight[i]) *
                   static_cast<double>(sq_distance(points.x + i * points.d, centers + labels[i] * points.d, points.d));
        per_chunk[static_cast<size_t>(chunk)] = acc;
    });
    return total(per_chunk);
}

// Labels every point with its nearest centre (GEMM distances); adds each
// point to its thread's sums when given. Returns how many labels changed.
template <class T>
index_t assign_all(const Points<T>& points, int k, const T* centers, std::int32_t* labels, int n_threads,
                   std::vector<ClusterSums>* partial_sums) {
    std::vector<index_t> changed(static_cast<size_t>(n_threads), 0);
    if (partial_sums)
        for (ClusterSums& s : *partial_sums) s.clear();
    for_each_nearest(points, k, centers, false, false, n_threads,
                     [&](index_t i, const NearestBlock<T>& nearest, index_t r, int thread) {
        const int best = nearest.best[static_cast<size_t>(r)];
        changed[static_cast<size_t>(thread)] += labels[i] != best;
        labels[i] = best;
        if (partial_sums)
            (*partial_sums)[static_cast<size_t>(thread)].add(best, points.x + i * points.d, points.d,
                                                              static_cast<double>(points.weight[i]));
    });
    return std::accumulate(changed.begin(), changed.end(), index_t(0));
}

}  // namespace zoo::cluster::detail
