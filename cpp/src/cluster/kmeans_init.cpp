// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007). Each new centre is
// the best of n_local_trials candidates drawn with probability proportional
// to weight * squared distance to the nearest chosen centre; "best" is the
// candidate that leaves the smallest total potential.
#include "kmeans_common.hpp"
#include "zoo/rng.hpp"

namespace zoo::cluster {

using namespace detail;

namespace {

// Index i with probability weights_i / total, through the running sum of the
// weights: the first index whose running sum exceeds a uniform draw. Points of
// zero weight are never drawn.
index_t draw_proportional(const std::vector<double>& running_sum, Rng& rng) {
    const double target = rng.uniform() * running_sum.back();
    const auto it = std::upper_bound(running_sum.begin(), running_sum.end(), target);
    return std::min<index_t>(static_cast<index_t>(it - running_sum.begin()), static_cast<index_t>(running_sum.size()) - 1);
}

template <class T>
void running_sum(const Points<T>& points, const std::vector<T>* closest_sq, std::vector<double>& out) {
    double acc = 0.0;
    for (index_t i = 0; i < points.n; ++i) {
        double mass = static_cast<double>(points.weight[i]);
        if (closest_sq) mass *= static_cast<double>((*closest_sq)[static_cast<size_t>(i)]);
        acc += mass;
        out[static_cast<size_t>(i)] = acc;
    }
}

}  // namespace

template <class T>
void kmeans_plusplus(const Points<T>& points, int k, int n_local_trials, std::uint64_t seed, int n_threads,
                     T* centers, std::int64_t* chosen) {
    check_problem(points, k, n_threads);
    if (n_local_trials < 1) throw std::invalid_argument("n_local_trials must be >= 1");
    const index_t n = points.n, d = points.d;
    const index_t n_chunks = ceil_div(n, kChunkRows);
    const int trials = n_local_trials;
    Rng rng(seed);
    std::vector<double> cumulative(static_cast<size_t>(n));
    const auto take = [&](int slot, index_t row) {
        chosen[slot] = row;
        std::copy(points.x + row * d, points.x + (row + 1) * d, centers + slot * d);
    };

    // First centre: a point drawn in proportion to its weight.
    running_sum<T>(points, nullptr, cumulative);
    if (!(cumulative.back() > 0.0)) throw std::invalid_argument("sample_weight must not be all zero");
    take(0, draw_proportional(cumulative, rng));
    std::vector<T> closest_sq(static_cast<size_t>(n));          // to the nearest chosen centre
    std::vector<std::int32_t> nearest(static_cast<size_t>(n), 0);  // which centre that is
    parallel_chunks(n_chunks, n_threads, [&](index_t chunk, int) {
        const index_t end = std::min(n, (chunk + 1) * kChunkRows);
        for (index_t i = chunk * kChunkRows; i < end; ++i)
            closest_sq[static_cast<size_t>(i)] = sq_distance(points.x + i * d, centers, d);
    });

    std::vector<index_t> candidate_rows(static_cast<size_t>(trials));
    std::vector<T> to_candidate_sq(static_cast<size_t>(n * trials));  // n x trials; +inf where pruned
    std::vector<T> center_to_candidate_sq(static_cast<size_t>(k * trials));
    std::vector<double> chunk_gain(static_cast<size_t>(n_chunks * trials));  // per chunk, summed in order
    for (int slot = 1; slot < k; ++slot) {
        running_sum(points, &closest_sq, cumulative);
        // Every point already sits on a centre (duplicates): any point will do.
        if (!(cumulative.back() > 0.0)) {
            running_sum<T>(points, nullptr, cumulative);
            take(slot, draw_proportional(cumulative, rng));
            continue;
        }
        for (int t = 0; t < trials; ++t) candidate_rows[static_cast<size_t>(t)] = draw_proportional(cumulative, rng);
        for (int c = 0; c < slot; ++c)
            for (int t = 0; t < trials; ++t)
                center_to_candidate_sq[static_cast<size_t>(c * trials + t)] =
                    sq_distance(centers + c * d, points.x + candidate_rows[static_cast<size_t>(t)] * d, d);

        // Gain of each candidate: how much it would lower the potential. By the
        // triangle inequality a point whose nearest centre lies at least twice
        // its distance away from the candidate cannot get closer, so most
        // points skip the distance computation once a few centres are placed.
        parallel_chunks(n_chunks, n_threads, [&](index_t chunk, int) {
            const index_t begin = chunk * kChunkRows, end = std::min(n, begin + kChunkRows);
            double* gain = chunk_gain.data() + chunk * trials;
            std::fill(gain, gain + trials, 0.0);
            for (index_t i = begin; i < end; ++i) {
                const T current = closest_sq[static_cast<size_t>(i)];
                const T* reach = center_to_candidate_sq.data() + nearest[static_cast<size_t>(i)] * trials;
                T* to_candidate = to_candidate_sq.data() + i * trials;
                for (int t = 0; t < trials; ++t) {
                    if (reach[t] >= 4 * current) {
                        to_candidate[t] = std::numeric_limits<T>::infinity();
                        continue;
                    }
                    const T dist = sq_distance(points.x + i * d, points.x + candidate_rows[static_cast<size_t>(t)] * d, d);
                    to_candidate[t] = dist;
                    if (dist < current)
                        gain[t] += static_cast<double>(points.weight[i]) * static_cast<double>(current - dist);
                }
            }
        });
        int best = 0;
        double best_gain = -1.0;
        for (int t = 0; t < trials; ++t) {
            double gain = 0.0;
            for (index_t chunk = 0; chunk < n_chunks; ++chunk) gain += chunk_gain[static_cast<size_t>(chunk * trials + t)];
            if (gain > best_gain) {
                best_gain = gain;
                best = t;
            }
        }
        take(slot, candidate_rows[static_cast<size_t>(best)]);
        parallel_chunks(n_chunks, n_threads, [&](index_t chunk, int) {
            const index_t end = std::min(n, (chunk + 1) * kChunkRows);
            for (index_t i = chunk * kChunkRows; i < end; ++i) {
                const T dist = to_candidate_sq[static_cast<size_t>(i * trials + best)];
                if (dist < closest_sq[static_cast<size_t>(i)]) {
                    closest_sq[static_cast<size_t>(i)] = dist;
                    nearest[static_cast<size_t>(i)] = slot;
                }
            }
        });
    }
}

template void kmeans_plusplus<float>(const Points<float>&, int, int, std::uint64_t, int, float*, std::int64_t*);
template void kmeans_plusplus<double>(const Points<double>&, int, int, std::uint64_t, int, double*, std::int64_t*);

}  // namespace zoo::cluster
