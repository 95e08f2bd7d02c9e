// DBSCAN on distances the caller computed (metric="precomputed"): a dense
// n x n matrix or a sparse neighbour graph. No search: each row lists its
// candidates, so the outline shared with the searches (weighted core
// counts, union-find over core pairs, border points last) runs directly.
#include <cmath>
#include <stdexcept>
#include <vector>

#include "dbscan_detail.hpp"

namespace zoo::cluster {

namespace {

using dbscan_detail::index_t;

// Calls visit(j) for every neighbour j of point i (distance <= eps).
template <class Visit>
void for_each_neighbour(const DbscanGraph& g, index_t i, Visit&& visit) {
    if (g.indptr == nullptr) {
        const double* row = g.distances + i * g.n;
        for (index_t j = 0; j < g.n; ++j)
            if (row[j] <= g.eps) visit(j);
        return;
    }
    for (index_t k = g.indptr[i]; k < g.indptr[i + 1]; ++k)
        if (g.distances[k] <= g.eps) visit(g.indices[k]);
}

void check(const DbscanGraph& g) {
    if (g.n < 1) throw std::invalid_argument("the distance matrix must hold at least one sample");
    if (!(g.eps > 0) || !std::isfinite(g.eps)) throw std::invalid_argument("eps must be > 0 and finite");
    if (!(g.min_samples >= 1)) throw std::invalid_argument("min_samples must be >= 1");
    for (index_t i = 0; i < g.n; ++i)
        if (!(g.weight[i] >= 0)) throw std::invalid_argument("sample_weight must be non-negative");
    if (g.indptr == nullptr) return;
    if (g.indptr[0] != 0) throw std::invalid_argument("the graph's indptr must start at 0");
    for (index_t i = 0; i < g.n; ++i)
        if (g.indptr[i + 1] < g.indptr[i]) throw std::invalid_argument("the graph's indptr must not decrease");
    for (index_t k = 0; k < g.indptr[g.n]; ++k)
        if (g.indices[k] < 0 || g.indices[k] >= g.n)
            throw std::invalid_argument("the graph's column indices must lie in [0, n_samples)");
}

}  // namespace

void dbscan_precomputed(const DbscanGraph& g, int n_threads, std::uint8_t* is_core, std::int64_t* labels,
                        const InterruptCheck& interrupt) {
    check(g);
    const index_t n = g.n;
    const index_t entries = g.indptr == nullptr ? n * n : g.indptr[n];
    n_threads = team_size(static_cast<double>(entries) + static_cast<double>(n), n_threads);
    constexpr index_t kRows = 256;  // rows per task: a few microseconds of work, then an interrupt check
    const index_t n_tasks = (n + kRows - 1) / kRows;

    parallel_chunks(n_tasks, n_threads, [&](index_t task, int) {
        if (task % 64 == 0) interrupt();
        for (index_t i = task * kRows; i < std::min(n, (task + 1) * kRows); ++i) {
            double count = 0.0;
            for_each_neighbour(g, i, [&](index_t j) { count += g.weight[j]; });
            is_core[i] = count >= g.min_samples;
        }
    });

    dbscan_detail::UnionFind sets(n);
    parallel_chunks(n_tasks, n_threads, [&](index_t task, int) {
        for (index_t i = task * kRows; i < std::min(n, (task + 1) * kRows); ++i) {
            if (!is_core[i]) continue;
            for_each_neighbour(g, i, [&](index_t j) {
                if (is_core[j] && j != i) sets.unite(i, j);
            });
        }
    });
    std::vector<index_t> cluster_of;
    dbscan_detail::number_clusters(n, nullptr, is_core, sets, cluster_of);

    // A border point joins the lowest-numbered cluster among the core points
    // that count it as a neighbour; the rows are searched from the core side,
    // as the breadth-first expansion reaches border points from core ones.
    for (index_t i = 0; i < n; ++i) labels[i] = is_core[i] ? cluster_of[static_cast<size_t>(i)] : -1;
    for (index_t i = 0; i < n; ++i) {
        if (!is_core[i]) continue;
        const index_t label = cluster_of[static_cast<size_t>(i)];
        for_each_neighbour(g, i, [&](index_t j) {
            if (!is_core[j] && (labels[j] < 0 || label < labels[j])) labels[j] = label;
        });
    }
}

}  // namespace zoo::cluster
