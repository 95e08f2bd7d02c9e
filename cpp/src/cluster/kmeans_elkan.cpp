// Elkan, "Using the triangle inequality to accelerate k-means" (ICML 2003):
// per point, an upper bound on the distance to its own centre and a lower
// bound on the distance to each centre, plus the distances between centres.
// Tighter than Hamerly's single lower bound, at k bounds per point.
#include "kmeans_bounded.hpp"

namespace zoo::cluster {

using namespace detail;

namespace {

template <class T>
class ElkanBounds : public PointBounds<T> {
    using Base = PointBounds<T>;
    using Base::k_;
    using Base::n_threads_;
    using Base::points_;
    using Base::row_of;
    using Base::upper_;
    using Base::weight_of;

public:
    ElkanBounds(const Points<T>& points, int k, int n_threads)
        : Base(points, k, n_threads), lower_(static_cast<size_t>(points.n) * static_cast<size_t>(k)) {}

    void initialize(const T* centers, std::int32_t* labels, std::vector<ClusterSums>& partial) {
        for_each_point_distances(points_, k_, centers, n_threads_, [&](index_t i, const T* row, int thread) {
            T* lower = lower_of(i);
            for (int j = 0; j < k_; ++j) lower[j] = std::sqrt(row[j]);
            const int best = argmin(row, k_);
            labels[i] = best;
            upper_[static_cast<size_t>(i)] = lower[best];
            partial[static_cast<size_t>(thread)].add(best, row_of(i), points_.d, weight_of(i));
        });
    }

    void forget(index_t i) {
        upper_[static_cast<size_t>(i)] = std::numeric_limits<T>::infinity();
        std::fill(lower_of(i), lower_of(i) + k_, T(0));
    }

    index_t assign(const T* centers, std::int32_t* labels, const std::vector<double>& shift_sq,
                   std::vector<ClusterSums>& partial) {
        const index_t d = points_.d;
        std::vector<T> shift(static_cast<size_t>(k_));
        for (int j = 0; j < k_; ++j) shift[static_cast<size_t>(j)] = static_cast<T>(std::sqrt(shift_sq[static_cast<size_t>(j)]));
        std::vector<T> half_gap;
        const std::vector<T> between = center_distances(centers, k_, d, half_gap);

        std::vector<index_t> changed(static_cast<size_t>(n_threads_), 0);
        parallel_chunks(ceil_div(points_.n, kChunkRows), n_threads_, [&](index_t chunk, int thread) {
            const index_t begin = chunk * kChunkRows, end = std::min(points_.n, begin + kChunkRows);
            for (index_t i = begin; i < end; ++i) {
                const int own = labels[i];
                T* lower = lower_of(i);
                // Centres moved: bounds loosen by their shifts.
                for (int j = 0; j < k_; ++j) lower[j] = std::max(lower[j] - shift[static_cast<size_t>(j)], T(0));
                T upper = upper_[static_cast<size_t>(i)] + shift[static_cast<size_t>(own)];
                if (upper <= half_gap[static_cast<size_t>(own)]) {
                    upper_[static_cast<size_t>(i)] = upper;
                    continue;
                }
                int best = own;
                bool upper_is_exact = false;
                for (int j = 0; j < k_; ++j) {
                    if (j == best) continue;
                    const T half_between = between[static_cast<size_t>(best) * k_ + j] / 2;
                    if (upper <= lower[j] || upper <= half_between) continue;
                    if (!upper_is_exact) {
                        upper = std::sqrt(sq_distance(row_of(i), centers + best * d, d));
                        lower[best] = upper;
                        upper_is_exact = true;
                        if (upper <= lower[j] || upper <= half_between) continue;
                    }
                    const T distance = std::sqrt(sq_distance(row_of(i), centers + j * d, d));
                    lower[j] = distance;
                    if (distance < upper) {
                        best = j;
                        upper = distance;
                    }
                }
                upper_[static_cast<size_t>(i)] = upper;
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
    T* lower_of(index_t i) { return lower_.data() + static_cast<size_t>(i) * static_cast<size_t>(k_); }

    std::vector<T> lower_;  // n x k
};

}  // namespace

template <class T>
FitSummary kmeans_elkan(const Points<T>& points, int k, T* centers, std::int32_t* labels, int max_iter,
                        double tol, int n_threads, const InterruptCheck& interrupt) {
    return run_bounded<T, ElkanBounds<T>>(points, k, centers, labels, max_iter, tol, n_threads, interrupt);
}

template FitSummary kmeans_elkan<float>(const Points<float>&, int, float*, std::int32_t*, int, double, int,
                                          const InterruptCheck&);
template FitSummary kmeans_elkan<double>(const Points<double>&, int, double*, std::int32_t*, int, double, int,
                                          const InterruptCheck&);

}  // namespace zoo::cluster
