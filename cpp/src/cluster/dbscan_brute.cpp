// DBSCAN by blocked brute force, for high dimensions where a tree's pruning
// of single points fades. The points are first put in a spatial order
// (recursive median splits down to blocks of at most kBlock points), so that
// whole pairs of blocks are skipped or counted at once by their bounding
// boxes; the remaining pairs of blocks are compared a tile at a time (never
// the n x n matrix): for the euclidean metric from one GEMM per tile,
// ||a||^2 + ||b||^2 - 2 a.b on centred copies, with every pair whose value
// lies within the expansion's rounding error of eps^2 decided again by the
// exact sum of squares, so the answer matches the other searches; other
// metrics loop directly.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include "dbscan_detail.hpp"
#include "zoo/blas.hpp"

namespace zoo::cluster::dbscan_detail {

namespace {

constexpr index_t kBlock = 256;

struct Layout {
    index_t n = 0, d = 0;
    std::vector<index_t> original;     // ordered position -> caller's index
    std::vector<index_t> position;     // caller's index -> ordered position
    std::vector<index_t> start;        // block b holds positions [start[b], start[b + 1])
    std::vector<double> x, xc, sq, w;  // original coordinates, centred ones (GEMM), ||xc||^2, weights
    std::vector<double> lo, hi;        // bounding box of each block
    std::vector<double> block_weight;

    index_t n_blocks() const { return static_cast<index_t>(start.size()) - 1; }
    const double* point(index_t s) const { return x.data() + s * d; }
    const double* block_lo(index_t b) const { return lo.data() + b * d; }
    const double* block_hi(index_t b) const { return hi.data() + b * d; }
};

Layout build_layout(const DbscanProblem& p, bool euclidean) {
    Layout L;
    const index_t n = p.n, d = p.d;
    L.n = n;
    L.d = d;
    std::vector<index_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), index_t{0});
    std::vector<std::pair<index_t, index_t>> stack{{0, n}};
    std::vector<double> lo(static_cast<size_t>(d)), hi(static_cast<size_t>(d));
    while (!stack.empty()) {
        const auto [begin, end] = stack.back();
        stack.pop_back();
        if (end - begin <= kBlock) {
            L.start.push_back(begin);
            continue;
        }
        std::fill(lo.begin(), lo.end(), std::numeric_limits<double>::infinity());
        std::fill(hi.begin(), hi.end(), -std::numeric_limits<double>::infinity());
        for (index_t s = begin; s < end; ++s)
            for (index_t k = 0; k < d; ++k) {
                lo[k] = std::min(lo[k], p.x[perm[s] * d + k]);
                hi[k] = std::max(hi[k], p.x[perm[s] * d + k]);
            }
        index_t axis = 0;
        for (index_t k = 1; k < d; ++k)
            if (hi[k] - lo[k] > hi[axis] - lo[axis]) axis = k;
        const index_t mid = begin + (end - begin) / 2;
        std::nth_element(perm.begin() + begin, perm.begin() + mid, perm.begin() + end,
                         [&](index_t a, index_t b) { return p.x[a * d + axis] < p.x[b * d + axis]; });
        stack.emplace_back(mid, end);  // the left half is split (and emitted) first
        stack.emplace_back(begin, mid);
    }
    L.start.push_back(n);

    std::vector<double> mean(static_cast<size_t>(d), 0.0);
    if (euclidean) {
        for (index_t i = 0; i < n; ++i)
            for (index_t k = 0; k < d; ++k) mean[k] += p.x[i * d + k];
        for (index_t k = 0; k < d; ++k) mean[k] /= static_cast<double>(n);
    }
    L.original = perm;
    L.position.resize(static_cast<size_t>(n));
    L.x.resize(static_cast<size_t>(n * d));
    L.w.resize(static_cast<size_t>(n));
    if (euclidean) {
        L.xc.resize(static_cast<size_t>(n * d));
        L.sq.resize(static_cast<size_t>(n));
    }
    for (index_t s = 0; s < n; ++s) {
        const index_t i = perm[s];
        L.position[i] = s;
        L.w[s] = p.weight[i];
        double acc = 0;
        for (index_t k = 0; k < d; ++k) {
            L.x[s * d + k] = p.x[i * d + k];
            if (euclidean) {
                const double v = p.x[i * d + k] - mean[k];
                L.xc[s * d + k] = v;
                acc += v * v;
            }
        }
        if (euclidean) L.sq[s] = acc;
    }
    const index_t nb = L.n_blocks();
    L.lo.resize(static_cast<size_t>(nb * d));
    L.hi.resize(static_cast<size_t>(nb * d));
    L.block_weight.assign(static_cast<size_t>(nb), 0.0);
    for (index_t b = 0; b < nb; ++b) {
        double* blo = L.lo.data() + b * d;
        double* bhi = L.hi.data() + b * d;
        for (index_t k = 0; k < d; ++k) blo[k] = bhi[k] = L.point(L.start[b])[k];
        for (index_t s = L.start[b]; s < L.start[b + 1]; ++s) {
            for (index_t k = 0; k < d; ++k) {
                blo[k] = std::min(blo[k], L.point(s)[k]);
                bhi[k] = std::max(bhi[k], L.point(s)[k]);
            }
            L.block_weight[b] += L.w[s];
        }
    }
    return L;
}

// Calls on_pair(i, j) for every position i of block a and j of block b
// within eps, j ascending for each i.
template <class M, class F>
void scan_tile(const Layout& L, double threshold, index_t a, index_t b, std::vector<double>& tile, F&& on_pair) {
    const index_t d = L.d;
    const index_t i0 = L.start[a], i1 = L.start[a + 1], j0 = L.start[b], j1 = L.start[b + 1];
    if constexpr (std::is_same_v<M, Euclidean>) {
        const index_t rows = i1 - i0, cols = j1 - j0;
        tile.resize(static_cast<size_t>(rows * cols));
        blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(cols), static_cast<int>(d), -2.0,
                   L.xc.data() + i0 * d, static_cast<int>(d), L.xc.data() + j0 * d, static_cast<int>(d), 0.0,
                   tile.data(), static_cast<int>(cols));
        // Rounding of the expansion is at most a few ulps of the norms per
        // feature; a generous bound costs only a few exact rechecks.
        const double rel = (static_cast<double>(d) + 16.0) * 8.0 * std::numeric_limits<double>::epsilon();
        for (index_t i = i0; i < i1; ++i) {
            const double* row = tile.data() + (i - i0) * cols;
            const double si = L.sq[i];
            for (index_t j = j0; j < j1; ++j) {
                const double approx = row[j - j0] + si + L.sq[j];
                const double slack = rel * (si + L.sq[j]) + 1e-300;
                if (approx > threshold + slack) continue;
                if (approx < threshold - slack || reduced_distance<Euclidean>(L.point(i), L.point(j), d) <= threshold)
                    on_pair(i, j);
            }
        }
    } else {
        (void)tile;
        for (index_t i = i0; i < i1; ++i)
            for (index_t j = j0; j < j1; ++j)
                if (reduced_distance<M>(L.point(i), L.point(j), d) <= threshold) on_pair(i, j);
    }
}

template <class F>
void parallel_blocks(index_t n_blocks, int n_threads, const InterruptCheck& interrupt, F&& body) {
    // A few blocks per thread per slice: a block can cost a whole row of tiles.
    in_slices(n_blocks, 8 * index_t{checked_threads(n_threads)}, interrupt, [&](index_t first, index_t last) {
        ExceptionCarrier carrier;
#pragma omp parallel num_threads(checked_threads(n_threads))
        {
            std::vector<double> tile;
            std::vector<std::pair<double, index_t>> candidates;
#pragma omp for schedule(dynamic, 1)
            for (index_t blk = first; blk < last; ++blk) carrier.run([&] { body(blk, tile, candidates); });
        }
        carrier.rethrow();
    });
}

template <class M>
void run(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
         std::int64_t* labels) {
    constexpr bool euclidean = std::is_same_v<M, Euclidean>;
    blas::SingleThreadedScope single_threaded_blas;
    const Layout L = build_layout(p, euclidean);
    const index_t n = L.n, d = L.d, nb = L.n_blocks();
    const double threshold = M::threshold(p.eps);
    using Candidates = std::vector<std::pair<double, index_t>>;

    // Blocks whose boxes come within eps of block a, nearest first.
    auto near_blocks = [&](index_t a, index_t first, Candidates& out) {
        out.clear();
        for (index_t b = first; b < nb; ++b) {
            const double gap = boxes_min_distance<M>(L.block_lo(a), L.block_hi(a), L.block_lo(b), L.block_hi(b), d);
            if (gap <= threshold) out.emplace_back(gap, b);
        }
        std::sort(out.begin(), out.end());
    };
    auto whole_block_close = [&](index_t a, index_t b) {
        return boxes_max_distance<M>(L.block_lo(a), L.block_hi(a), L.block_lo(b), L.block_hi(b), d) <= threshold;
    };

    // 1. Weighted neighbour counts, nearest blocks first, until every row of
    // the block is known to be core.
    std::vector<std::uint8_t> core(static_cast<size_t>(n), 0);
    parallel_blocks(nb, n_threads, interrupt, [&](index_t a, std::vector<double>& tile, Candidates& near) {
        const index_t i0 = L.start[a], i1 = L.start[a + 1];
        std::vector<double> count(static_cast<size_t>(i1 - i0), 0.0);
        near_blocks(a, 0, near);
        for (const auto& [gap, b] : near) {
            (void)gap;
            if (whole_block_close(a, b)) {
                for (double& c : count) c += L.block_weight[b];
            } else {
                scan_tile<M>(L, threshold, a, b, tile, [&](index_t i, index_t j) { count[i - i0] += L.w[j]; });
            }
            bool done = true;
            for (double c : count) done = done && c >= p.min_samples;
            if (done) break;
        }
        for (index_t i = i0; i < i1; ++i) core[i] = count[i - i0] >= p.min_samples;
    });

    // 2. Union-find over core points, each pair of blocks once.
    std::vector<index_t> block_cores(static_cast<size_t>(nb), 0);
    for (index_t b = 0; b < nb; ++b)
        for (index_t s = L.start[b]; s < L.start[b + 1]; ++s) block_cores[b] += core[s];
    UnionFind sets(n);
    parallel_blocks(nb, n_threads, interrupt, [&](index_t a, std::vector<double>& tile, Candidates& near) {
        if (block_cores[a] == 0) return;
        near_blocks(a, a, near);
        for (const auto& [gap, b] : near) {
            (void)gap;
            if (block_cores[b] == 0) continue;
            if (whole_block_close(a, b)) {
                index_t anchor = -1;
                for (index_t s = L.start[a]; s < L.start[a + 1]; ++s)
                    if (core[s]) {
                        if (anchor < 0) anchor = s;
                        else sets.unite(anchor, s);
                    }
                for (index_t s = L.start[b]; s < L.start[b + 1]; ++s)
                    if (core[s]) sets.unite(anchor, s);
                continue;
            }
            scan_tile<M>(L, threshold, a, b, tile, [&](index_t i, index_t j) {
                if (j > i && core[i] && core[j]) sets.unite(i, j);
            });
        }
    });
    std::vector<index_t> cluster_of;
    number_clusters(n, L.position.data(), core.data(), sets, cluster_of);

    // 3. Border points join the lowest-numbered cluster among their core neighbours.
    std::vector<index_t> label(cluster_of);
    parallel_blocks(nb, n_threads, interrupt, [&](index_t a, std::vector<double>& tile, Candidates& near) {
        const index_t i0 = L.start[a], i1 = L.start[a + 1];
        if (i1 - i0 == block_cores[a]) return;
        std::vector<index_t> best(static_cast<size_t>(i1 - i0), std::numeric_limits<index_t>::max());
        near_blocks(a, 0, near);
        for (const auto& [gap, b] : near) {
            (void)gap;
            if (block_cores[b] == 0) continue;
            scan_tile<M>(L, threshold, a, b, tile, [&](index_t i, index_t j) {
                if (!core[i] && core[j]) best[i - i0] = std::min(best[i - i0], cluster_of[j]);
            });
        }
        for (index_t i = i0; i < i1; ++i)
            if (!core[i]) label[i] = best[i - i0] == std::numeric_limits<index_t>::max() ? -1 : best[i - i0];
    });

    for (index_t s = 0; s < n; ++s) {
        is_core[L.original[s]] = core[s];
        labels[L.original[s]] = label[s];
    }
}

}  // namespace

void dbscan_brute(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                  std::int64_t* labels) {
    switch (p.metric) {
        case DbscanMetric::euclidean: return run<Euclidean>(p, n_threads, interrupt, is_core, labels);
        case DbscanMetric::manhattan: return run<Manhattan>(p, n_threads, interrupt, is_core, labels);
        case DbscanMetric::chebyshev: return run<Chebyshev>(p, n_threads, interrupt, is_core, labels);
    }
}

}  // namespace zoo::cluster::dbscan_detail
