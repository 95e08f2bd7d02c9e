// DBSCAN by blocked brute force, for high dimensions where trees prune
// little. Distances come a tile at a time (never the n x n matrix): for the
// euclidean metric from one GEMM per tile, ||a||^2 + ||b||^2 - 2 a.b on
// centred copies, with every pair whose value lies within the expansion's
// rounding error of eps^2 decided again by the exact sum of squares, so the
// answer matches the other searches; other metrics loop directly.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "dbscan_detail.hpp"
#include "zoo/blas.hpp"

namespace zoo::cluster::dbscan_detail {

namespace {

constexpr index_t kRowBlock = 256;
constexpr index_t kColBlock = 1024;

// A subset of the points, gathered contiguously.
struct Block {
    std::vector<index_t> index;  // caller's row of each gathered point
    std::vector<double> x;       // original coordinates (exact tests)
    std::vector<double> xc;      // centred coordinates (GEMM), euclidean only
    std::vector<double> sq;      // squared norms of xc
    index_t size() const { return static_cast<index_t>(index.size()); }
};

Block gather(const DbscanProblem& p, std::vector<index_t> index, const std::vector<double>& mean, bool euclidean) {
    Block b;
    b.index = std::move(index);
    const index_t m = b.size(), d = p.d;
    b.x.resize(static_cast<size_t>(m * d));
    for (index_t r = 0; r < m; ++r)
        std::memcpy(b.x.data() + r * d, p.x + b.index[r] * d, sizeof(double) * static_cast<size_t>(d));
    if (euclidean) {
        b.xc.resize(b.x.size());
        b.sq.resize(static_cast<size_t>(m));
        for (index_t r = 0; r < m; ++r) {
            double acc = 0;
            for (index_t k = 0; k < d; ++k) {
                const double v = b.x[r * d + k] - mean[k];
                b.xc[r * d + k] = v;
                acc += v * v;
            }
            b.sq[r] = acc;
        }
    }
    return b;
}

// Calls on_pair(i, j) for every i in rows [i0, i1) of A and j in rows
// [j0, j1) of B within eps, j ascending for each i.
template <class M, class F>
void scan_tile(const DbscanProblem& p, const Block& a, index_t i0, index_t i1, const Block& b, index_t j0,
               index_t j1, std::vector<double>& tile, F&& on_pair) {
    const index_t d = p.d;
    const double threshold = M::threshold(p.eps);
    if constexpr (std::is_same_v<M, Euclidean>) {
        const index_t rows = i1 - i0, cols = j1 - j0;
        tile.resize(static_cast<size_t>(rows * cols));
        blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(cols), static_cast<int>(d), -2.0,
                   a.xc.data() + i0 * d, static_cast<int>(d), b.xc.data() + j0 * d, static_cast<int>(d), 0.0,
                   tile.data(), static_cast<int>(cols));
        // Rounding of the expansion is at most a few ulps of the norms per
        // feature; a generous bound costs only a few exact rechecks.
        const double rel = (static_cast<double>(d) + 16.0) * 8.0 * std::numeric_limits<double>::epsilon();
        for (index_t i = i0; i < i1; ++i) {
            const double* row = tile.data() + (i - i0) * cols;
            const double si = a.sq[i];
            for (index_t j = j0; j < j1; ++j) {
                const double approx = row[j - j0] + si + b.sq[j];
                const double slack = rel * (si + b.sq[j]) + 1e-300;
                if (approx > threshold + slack) continue;
                if (approx < threshold - slack ||
                    reduced_distance<Euclidean>(a.x.data() + i * d, b.x.data() + j * d, d) <= threshold)
                    on_pair(i, j);
            }
        }
    } else {
        (void)tile;
        for (index_t i = i0; i < i1; ++i)
            for (index_t j = j0; j < j1; ++j)
                if (reduced_distance<M>(a.x.data() + i * d, b.x.data() + j * d, d) <= threshold) on_pair(i, j);
    }
}

template <class F>
void parallel_blocks(index_t n_blocks, int n_threads, F&& body) {
    ExceptionCarrier carrier;
#pragma omp parallel num_threads(checked_threads(n_threads))
    {
        std::vector<double> tile;
#pragma omp for schedule(dynamic, 1)
        for (index_t blk = 0; blk < n_blocks; ++blk) carrier.run([&] { body(blk, tile); });
    }
    carrier.rethrow();
}

template <class M>
void run(const DbscanProblem& p, int n_threads, std::uint8_t* is_core, std::int64_t* labels) {
    constexpr bool euclidean = std::is_same_v<M, Euclidean>;
    const index_t n = p.n, d = p.d;
    blas::SingleThreadedScope single_threaded_blas;
    std::vector<double> mean(static_cast<size_t>(d), 0.0);
    if (euclidean) {
        for (index_t i = 0; i < n; ++i)
            for (index_t k = 0; k < d; ++k) mean[k] += p.x[i * d + k];
        for (index_t k = 0; k < d; ++k) mean[k] /= static_cast<double>(n);
    }
    std::vector<index_t> all(static_cast<size_t>(n));
    for (index_t i = 0; i < n; ++i) all[i] = i;
    Block everyone = gather(p, all, mean, euclidean);

    // 1. Weighted neighbour counts, each row summed in index order.
    std::vector<std::uint8_t> core(static_cast<size_t>(n), 0);
    parallel_blocks(ceil_div(n, kRowBlock), n_threads, [&](index_t blk, std::vector<double>& tile) {
        const index_t i0 = blk * kRowBlock, i1 = std::min(n, i0 + kRowBlock);
        std::vector<double> count(static_cast<size_t>(i1 - i0), 0.0);
        for (index_t j0 = 0; j0 < n; j0 += kColBlock)
            scan_tile<M>(p, everyone, i0, i1, everyone, j0, std::min(n, j0 + kColBlock), tile,
                         [&](index_t i, index_t j) { count[i - i0] += p.weight[j]; });
        for (index_t i = i0; i < i1; ++i) core[i] = count[i - i0] >= p.min_samples;
    });
    everyone = Block{};

    // 2. Union-find over the core points, each pair of tiles once.
    std::vector<index_t> core_rows, other_rows;
    for (index_t i = 0; i < n; ++i) (core[i] ? core_rows : other_rows).push_back(i);
    const Block cores = gather(p, core_rows, mean, euclidean);
    const index_t m = cores.size();
    UnionFind sets(m);
    parallel_blocks(ceil_div(m, kRowBlock), n_threads, [&](index_t blk, std::vector<double>& tile) {
        const index_t i0 = blk * kRowBlock, i1 = std::min(m, i0 + kRowBlock);
        for (index_t j0 = i0; j0 < m; j0 += kColBlock)
            scan_tile<M>(p, cores, i0, i1, cores, j0, std::min(m, j0 + kColBlock), tile, [&](index_t i, index_t j) {
                if (j > i) sets.unite(i, j);
            });
    });
    std::vector<std::uint8_t> all_core(static_cast<size_t>(m), 1);
    std::vector<index_t> cluster_of;
    number_clusters(m, nullptr, all_core.data(), sets, cluster_of);  // core rows are in index order

    // 3. Border points join the lowest-numbered cluster among their core neighbours.
    const Block others = gather(p, other_rows, mean, euclidean);
    const index_t r = others.size();
    std::vector<index_t> best(static_cast<size_t>(r), std::numeric_limits<index_t>::max());
    if (m > 0) {
        parallel_blocks(ceil_div(r, kRowBlock), n_threads, [&](index_t blk, std::vector<double>& tile) {
            const index_t i0 = blk * kRowBlock, i1 = std::min(r, i0 + kRowBlock);
            for (index_t j0 = 0; j0 < m; j0 += kColBlock)
                scan_tile<M>(p, others, i0, i1, cores, j0, std::min(m, j0 + kColBlock), tile,
                             [&](index_t i, index_t j) { best[i] = std::min(best[i], cluster_of[j]); });
        });
    }
    for (index_t c = 0; c < m; ++c) {
        is_core[cores.index[c]] = 1;
        labels[cores.index[c]] = cluster_of[c];
    }
    for (index_t o = 0; o < r; ++o) {
        is_core[others.index[o]] = 0;
        labels[others.index[o]] = best[o] == std::numeric_limits<index_t>::max() ? -1 : best[o];
    }
}

}  // namespace

void dbscan_brute(const DbscanProblem& p, int n_threads, std::uint8_t* is_core, std::int64_t* labels) {
    switch (p.metric) {
        case DbscanMetric::euclidean: return run<Euclidean>(p, n_threads, is_core, labels);
        case DbscanMetric::manhattan: return run<Manhattan>(p, n_threads, is_core, labels);
        case DbscanMetric::chebyshev: return run<Chebyshev>(p, n_threads, is_core, labels);
    }
}

}  // namespace zoo::cluster::dbscan_detail
