// Hamerly, "Making k-means even faster" (SDM 2010): per point, an upper bound
// on the distance to its own centre and one lower bound on the distance to
// every other centre. A point is re-examined only when the bounds overlap.
#include "kmeans_bounded.hpp"

namespace zoo::cluster {

using namespace detail;

namespace {

template <class T>
class HamerlyBounds : public PointBounds<T> {
    using Base = PointBounds<T>;
    using Base::k_;
    using Base::n_threads_;
    using Base::points_;
    using Base::row_of;
    using Base::upper_;
    using Base::weight_of;

public:
    HamerlyBounds(const Points<T>& points, int k, int n_threads)
        : Base(points, k, n_threads), lower_(static_cast<size_t>(points.n)) {}

    void initialize(const T* centers, std::int32_t* labels, std::vector<ClusterSums>& partial) {
        for_each_nearest(points_, k_, centers, true, true, n_threads_,
                         [&](index_t i, const NearestBlock<T>& nearest, index_t r, int thread) {
            const auto s = static_cast<size_t>(r);
            labels[i] = nearest.best[s];
            upper_[static_cast<size_t>(i)] = std::sqrt(nearest.best_value[s]);
            lower_[static_cast<size_t>(i)] = std::sqrt(nearest.second_value[s]);
            partial[static_cast<size_t>(thread)].add(nearest.best[s], row_of(i), points_.d, weight_of(i));
        });
    }

    void forget(index_t i) {
        upper_[static_cast<size_t>(i)] = std::numeric_limits<T>::infinity();
        lower_[static_cast<size_t>(i)] = 0;
    }

    index_t assign(const T* centers, std::int32_t* labels, const std::vector<double>& shift_sq,
                   std::vector<ClusterSums>& partial) {
        const index_t d = points_.d;
        // Every other centre moved by at most the largest shift (the second
        // largest for the points of the centre that moved most).
        std::vector<T> shift(static_cast<size_t>(k_));
        int farthest = 0;
        for (int j = 0; j < k_; ++j) {
            shift[static_cast<size_t>(j)] = static_cast<T>(std::sqrt(shift_sq[static_cast<size_t>(j)]));
            if (shift[static_cast<size_t>(j)] > shift[static_cast<size_t>(farthest)]) farthest = j;
        }
        T second_shift = 0;
        for (int j = 0; j < k_; ++j)
            if (j != farthest) second_shift = std::max(second_shift, shift[static_cast<size_t>(j)]);
        const T largest_shift = shift[static_cast<size_t>(farthest)];
        std::vector<T> half_gap;
        center_distances(centers, k_, d, half_gap);

        const std::vector<T> center_norms = row_sq_norms(centers, k_, d);

        std::vector<index_t> changed(static_cast<size_t>(n_threads_), 0);
        std::vector<Rescan> rescans(static_cast<size_t>(n_threads_));
        parallel_chunks(ceil_div(points_.n, kChunkRows), n_threads_, [&](index_t chunk, int thread) {
            const index_t begin = chunk * kChunkRows, end = std::min(points_.n, begin + kChunkRows);
            Rescan& rescan = rescans[static_cast<size_t>(thread)];
            rescan.rows.clear();
            for (index_t i = begin; i < end; ++i) {
                const auto s = static_cast<size_t>(i);
                const int own = labels[i];
                upper_[s] += shift[static_cast<size_t>(own)];
                lower_[s] -= own == farthest ? second_shift : largest_shift;
                const T bound = std::max(half_gap[static_cast<size_t>(own)], lower_[s]);
                if (upper_[s] <= bound) continue;
                // Tighten the upper bound to the true distance before rescanning.
                upper_[s] = std::sqrt(sq_distance(row_of(i), centers + own * d, d));
                if (upper_[s] <= bound) continue;
                rescan.rows.push_back(i);
            }
            if (rescan.rows.empty()) return;
            // Points whose bounds failed get all their distances from one GEMM.
            const index_t m = static_cast<index_t>(rescan.rows.size());
            rescan.x.resize(static_cast<size_t>(m * d));
            for (index_t r = 0; r < m; ++r) {
                const T* row = row_of(rescan.rows[static_cast<size_t>(r)]);
                std::copy(row, row + d, rescan.x.begin() + r * d);
            }
            rescan.nearest.compute(rescan.x.data(), m, d, centers, center_norms.data(), k_, true, true);
            for (index_t r = 0; r < m; ++r) {
                const index_t i = rescan.rows[static_cast<size_t>(r)];
                const auto s = static_cast<size_t>(i);
                const int own = labels[i];
                const int best = rescan.nearest.best[static_cast<size_t>(r)];
                upper_[s] = std::sqrt(rescan.nearest.best_value[static_cast<size_t>(r)]);
                lower_[s] = std::sqrt(rescan.nearest.second_value[static_cast<size_t>(r)]);
                if (best != own) {
                    partial[static_cast<size_t>(thread)].move(own, best, row_of(i), d, weight_of(i));
                    labels[i] = best;
                    ++changed[static_cast<size_t>(thread)];
                }
            }
        });
        return std::accumulate(changed.begin(), changed.end(), index_t(0));
    }

private:
    // Per-thread scratch for the points of a chunk that need all distances.
    struct Rescan {
        std::vector<index_t> rows;
        std::vector<T> x;
        NearestBlock<T> nearest;
    };

    std::vector<T> lower_;
};

}  // namespace

template <class T>
FitSummary kmeans_hamerly(const Points<T>& points, int k, T* centers, std::int32_t* labels, int max_iter,
                          double tol, int n_threads, const InterruptCheck& interrupt) {
    return run_bounded<T, HamerlyBounds<T>>(points, k, centers, labels, max_iter, tol, n_threads, interrupt);
}

template FitSummary kmeans_hamerly<float>(const Points<float>&, int, float*, std::int32_t*, int, double, int,
                                          const InterruptCheck&);
template FitSummary kmeans_hamerly<double>(const Points<double>&, int, double*, std::int32_t*, int, double, int,
                                          const InterruptCheck&);

}  // namespace zoo::cluster
