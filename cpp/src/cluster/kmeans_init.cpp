// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007). Each new centre is
// the best of n_local_trials candidates drawn with probability proportional
// to weight * squared distance to the nearest chosen centre; "best" is the
// candidate that leaves the smallest total potential.
#include "kmeans_common.hpp"
#include "zoo/rng.hpp"

namespace zoo::cluster {

using namespace detail;

namespace {

// Block of rows per BLAS call: a step scores only a few candidates, so the
// GEMMs are thin and larger blocks amortise each call.
constexpr index_t kInitRows = 8 * kChunkRows;

// Draws index i with probability mass_i / total mass. `block_mass` holds the
// mass of each block of kInitRows rows, so a draw walks the blocks and then
// one block only: no full running sum per k-means++ step. Rows of zero mass
// are never drawn.
template <class Mass>
index_t draw_proportional(const std::vector<double>& block_mass, index_t n, Rng& rng, Mass&& mass) {
    double total = 0.0;
    for (double m : block_mass) total += m;
    double target = rng.uniform() * total;
    size_t block = 0;
    while (block + 1 < block_mass.size() && target >= block_mass[block]) target -= block_mass[block++];
    const index_t begin = static_cast<index_t>(block) * kInitRows, end = std::min(n, begin + kInitRows);
    index_t last_with_mass = -1;
    for (index_t i = begin; i < end; ++i) {
        const double m = mass(i);
        if (m <= 0.0) continue;
        if (target < m) return i;
        target -= m;
        last_with_mass = i;
    }
    // Rounding can leave a sliver of the draw unspent: take a row that has mass.
    if (last_with_mass >= 0) return last_with_mass;
    for (index_t i = n - 1; i > 0; --i)
        if (mass(i) > 0.0) return i;
    return 0;
}

}  // namespace

template <class T>
void kmeans_plusplus(const Points<T>& points, int k, int n_local_trials, std::uint64_t seed, int n_threads,
                     T* centers, std::int64_t* chosen, const InterruptCheck& interrupt) {
    check_problem(points, k, n_threads);
    n_threads = pass_team(points.n, points.d, n_local_trials, n_threads);  // each step: the trials' distances
    if (n_local_trials < 1) throw std::invalid_argument("n_local_trials must be >= 1");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t n = points.n, d = points.d;
    const index_t n_blocks = ceil_div(n, kInitRows);
    const int trials = n_local_trials;
    const std::vector<T> x_sq = row_sq_norms(points.x, n, d);
    Rng rng(seed);
    const auto weight_of = [&](index_t i) { return static_cast<double>(points.weight[i]); };
    const auto take = [&](int slot, index_t row) {
        chosen[slot] = row;
        std::copy(points.x + row * d, points.x + (row + 1) * d, centers + slot * d);
    };

    // First centre: a point drawn in proportion to its weight.
    std::vector<double> block_weight(static_cast<size_t>(n_blocks), 0.0);
    for (index_t i = 0; i < n; ++i) block_weight[static_cast<size_t>(i / kInitRows)] += weight_of(i);
    double total_weight = 0.0;
    for (double m : block_weight) total_weight += m;
    if (!(total_weight > 0.0)) throw std::invalid_argument("sample_weight must not be all zero");
    take(0, draw_proportional(block_weight, n, rng, weight_of));

    // closest_sq: squared distance to the nearest chosen centre; block_mass:
    // the potential (sum of weight * closest_sq) of each block of rows.
    std::vector<T> closest_sq(static_cast<size_t>(n));
    std::vector<double> block_mass(static_cast<size_t>(n_blocks));
    parallel_chunks(n_blocks, n_threads, [&](index_t block, int) {
        const index_t end = std::min(n, (block + 1) * kInitRows);
        double mass = 0.0;
        for (index_t i = block * kInitRows; i < end; ++i) {
            closest_sq[static_cast<size_t>(i)] = sq_distance(points.x + i * d, centers, d);
            mass += weight_of(i) * static_cast<double>(closest_sq[static_cast<size_t>(i)]);
        }
        block_mass[static_cast<size_t>(block)] = mass;
    });
    const auto potential_of = [&](index_t i) { return weight_of(i) * static_cast<double>(closest_sq[static_cast<size_t>(i)]); };

    std::vector<T> candidates(static_cast<size_t>(trials * d));
    std::vector<index_t> candidate_rows(static_cast<size_t>(trials));
    std::vector<T> candidate_sq(static_cast<size_t>(n * trials));           // per block: trials x rows
    std::vector<double> block_gain(static_cast<size_t>(n_blocks * trials));  // per block, summed in order
    for (int slot = 1; slot < k; ++slot) {
        check_interrupt(interrupt);
        double potential = 0.0;
        for (double m : block_mass) potential += m;
        // Every point already sits on a centre (duplicates): any point will do.
        if (!(potential > 0.0)) {
            take(slot, draw_proportional(block_weight, n, rng, weight_of));
            continue;
        }
        for (int t = 0; t < trials; ++t) {
            const index_t row = draw_proportional(block_mass, n, rng, potential_of);
            candidate_rows[static_cast<size_t>(t)] = row;
            std::copy(points.x + row * d, points.x + (row + 1) * d, candidates.begin() + t * d);
        }
        // Gain of each candidate: how much it would lower the potential.
        // Candidates form the GEMM's left side, so each candidate's distances
        // to a block of rows are contiguous and the gain loop vectorises.
        const std::vector<T> candidate_norms = row_sq_norms(candidates.data(), trials, d);
        parallel_chunks(n_blocks, n_threads, [&](index_t block, int) {
            const index_t begin = block * kInitRows, rows = std::min(kInitRows, n - begin);
            T* dist = candidate_sq.data() + begin * trials;  // trials x rows
            blas::gemm(false, true, trials, static_cast<int>(rows), static_cast<int>(d), T(-2), candidates.data(),
                       static_cast<int>(d), points.x + begin * d, static_cast<int>(d), T(0), dist, static_cast<int>(rows));
            const T* x_norm = x_sq.data() + begin;
            const T* closest = closest_sq.data() + begin;
            const T* w = points.weight + begin;
            for (int t = 0; t < trials; ++t) {
                T* row = dist + t * rows;
                const T c_norm = candidate_norms[static_cast<size_t>(t)];
                double gain = 0.0;
#pragma omp simd reduction(+ : gain)
                for (index_t r = 0; r < rows; ++r) {
                    row[r] = std::max(row[r] + c_norm + x_norm[r], T(0));
                    gain += static_cast<double>(w[r] * std::max(closest[r] - row[r], T(0)));
                }
                block_gain[static_cast<size_t>(block * trials + t)] = gain;
            }
        });
        int best = 0;
        double best_gain = -1.0;
        for (int t = 0; t < trials; ++t) {
            double gain = 0.0;
            for (index_t block = 0; block < n_blocks; ++block) gain += block_gain[static_cast<size_t>(block * trials + t)];
            if (gain > best_gain) {
                best_gain = gain;
                best = t;
            }
        }
        take(slot, candidate_rows[static_cast<size_t>(best)]);
        parallel_chunks(n_blocks, n_threads, [&](index_t block, int) {
            const index_t begin = block * kInitRows, rows = std::min(kInitRows, n - begin);
            const T* best_dist = candidate_sq.data() + begin * trials + best * rows;
            T* closest = closest_sq.data() + begin;
            const T* w = points.weight + begin;
            double mass = 0.0;
#pragma omp simd reduction(+ : mass)
            for (index_t r = 0; r < rows; ++r) {
                closest[r] = std::min(closest[r], best_dist[r]);
                mass += static_cast<double>(w[r]) * static_cast<double>(closest[r]);
            }
            block_mass[static_cast<size_t>(block)] = mass;
        });
    }
}

template void kmeans_plusplus<float>(const Points<float>&, int, int, std::uint64_t, int, float*, std::int64_t*,
                                     const InterruptCheck&);
template void kmeans_plusplus<double>(const Points<double>&, int, int, std::uint64_t, int, double*, std::int64_t*,
                                      const InterruptCheck&);

}  // namespace zoo::cluster
