// Lloyd's algorithm with BLAS distances, plus the plain assignment and
// transform passes used at predict time and the per-chunk passes of the
// Dask path (its E-step and its k-means|| sampling weights).
#include "kmeans_common.hpp"

namespace zoo::cluster {

using namespace detail;

template <class T>
FitSummary kmeans_lloyd(const Points<T>& points, int k, T* centers, std::int32_t* labels, int max_iter,
                        double tol, int n_threads, const InterruptCheck& interrupt) {
    check_problem(points, k, n_threads);
    n_threads = pass_team(points.n, points.d, k, n_threads);
    if (max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = points.d;
    // No point starts with a label, so the first pass always counts as a change.
    std::fill(labels, labels + points.n, -1);
    std::vector<ClusterSums> partial(static_cast<size_t>(n_threads), ClusterSums(k, d));
    ClusterSums sums(k, d);
    std::vector<double> shift_sq;

    bool labels_stable = false;
    int iteration = 0;
    while (iteration < max_iter) {
        check_interrupt(interrupt);
        ++iteration;
        // E-step: nearest centre for each point; M-step sums come for free.
        const index_t changed = assign_all(points, k, centers, labels, n_threads, &partial);
        sums.clear();
        sums.merge(partial);
        relocate_empty_clusters(points, k, centers, labels, sums);
        update_centers(sums, k, d, centers, shift_sq);
        if (changed == 0) {
            labels_stable = true;
            break;
        }
        if (total(shift_sq) <= tol) break;
    }
    // Centres moved after the last assignment: label against the final centres.
    if (!labels_stable) assign_all<T>(points, k, centers, labels, n_threads, nullptr);
    return {iteration, weighted_inertia(points, centers, labels, n_threads)};
}

template <class T>
double kmeans_assign(const Points<T>& points, int k, const T* centers, std::int32_t* labels, int n_threads) {
    // Unlike fitting, predicting may ask for fewer points than clusters.
    if (points.n < 1 || points.d < 1 || k < 1) throw std::invalid_argument("assign needs samples, features and centres");
    n_threads = pass_team(points.n, points.d, k, n_threads);
    blas::SingleThreadedScope single_threaded_blas;
    assign_all<T>(points, k, centers, labels, n_threads, nullptr);
    return weighted_inertia(points, centers, labels, n_threads);
}

// The Dask path's chunks arrive uncentred. Each slab of rows is centred
// into a small buffer (x - shift in T, as center_columns computes it, so the
// values are those of the in-memory fit's centred copy) and processed from
// there: no centred copy of the whole chunk is made on each pass.
constexpr index_t kSlabRows = 64 * kChunkRows;

template <class T, class Work>
void for_each_centred_slab(const Points<T>& points, const T* shift, Work&& work) {
    const index_t d = points.d;
    std::vector<T> buffer(static_cast<size_t>(std::min(points.n, kSlabRows) * d));
    for (index_t begin = 0; begin < points.n; begin += kSlabRows) {
        const index_t rows = std::min(kSlabRows, points.n - begin);
        const T* source = points.x + begin * d;
        for (index_t r = 0; r < rows; ++r)
            for (index_t f = 0; f < d; ++f) buffer[static_cast<size_t>(r * d + f)] = source[r * d + f] - shift[f];
        work(Points<T>{buffer.data(), points.weight + begin, rows, d}, begin);
    }
}

template <class T>
AssignSums kmeans_assign_sums(const Points<T>& points, const T* shift, int k, const T* centers,
                              std::int32_t* labels, double* sums, double* weights, int n_threads) {
    if (points.n < 1 || points.d < 1 || k < 1) throw std::invalid_argument("assign needs samples, features and centres");
    n_threads = pass_team(points.n, points.d, k, n_threads);
    blas::SingleThreadedScope single_threaded_blas;
    std::vector<ClusterSums> partial(static_cast<size_t>(n_threads), ClusterSums(k, points.d));
    ClusterSums total_sums(k, points.d);
    AssignSums result{0, 0.0};
    for_each_centred_slab(points, shift, [&](const Points<T>& slab, index_t begin) {
        result.changed += assign_all(slab, k, centers, labels + begin, n_threads, &partial);
        total_sums.merge(partial);
        result.inertia += weighted_inertia(slab, centers, labels + begin, n_threads);
    });
    std::copy(total_sums.sums.begin(), total_sums.sums.end(), sums);
    std::copy(total_sums.weights.begin(), total_sums.weights.end(), weights);
    return result;
}

template <class T>
void kmeans_nearest_weighted_sq(const Points<T>& points, const T* shift, int k, const T* centers,
                                double* weighted_sq, int n_threads) {
    if (points.n < 1 || points.d < 1 || k < 1) throw std::invalid_argument("needs samples, features and centres");
    n_threads = pass_team(points.n, points.d, k, n_threads);
    blas::SingleThreadedScope single_threaded_blas;
    for_each_centred_slab(points, shift, [&](const Points<T>& slab, index_t begin) {
        for_each_nearest(slab, k, centers, /*exact=*/true, /*second=*/false, n_threads,
                         [&](index_t i, const NearestBlock<T>& nearest, index_t r, int) {
            const double value = static_cast<double>(slab.weight[i]) *
                                 static_cast<double>(nearest.best_value[static_cast<size_t>(r)]);
            double& lowest = weighted_sq[begin + i];
            if (value < lowest) lowest = value;
        });
    });
}

template <class T>
void kmeans_transform(const T* x, index_t n, index_t d, int k, const T* centers, T* distances, int n_threads) {
    if (n < 1 || d < 1 || k < 1) throw std::invalid_argument("transform needs samples, features and centres");
    n_threads = pass_team(n, d, k, n_threads);
    blas::SingleThreadedScope single_threaded_blas;
    const std::vector<T> c_sq = row_sq_norms(centers, k, d);
    parallel_chunks(ceil_div(n, kChunkRows), n_threads, [&](index_t chunk, int) {
        const index_t begin = chunk * kChunkRows, rows = std::min(kChunkRows, n - begin);
        const std::vector<T> x_sq = row_sq_norms(x + begin * d, rows, d);
        T* out = distances + begin * k;
        chunk_sq_distances(x + begin * d, rows, d, centers, c_sq.data(), k, x_sq.data(), out);
        for (index_t i = 0; i < rows * k; ++i) out[i] = std::sqrt(out[i]);
    });
}

#define ZOO_INSTANTIATE(T)                                                                                 \
    template FitSummary kmeans_lloyd<T>(const Points<T>&, int, T*, std::int32_t*, int, double, int,         \
                                        const InterruptCheck&);                                              \
    template double kmeans_assign<T>(const Points<T>&, int, const T*, std::int32_t*, int);                 \
    template AssignSums kmeans_assign_sums<T>(const Points<T>&, const T*, int, const T*, std::int32_t*,    \
                                              double*, double*, int);                                      \
    template void kmeans_nearest_weighted_sq<T>(const Points<T>&, const T*, int, const T*, double*, int);  \
    template void kmeans_transform<T>(const T*, index_t, index_t, int, const T*, T*, int);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::cluster
