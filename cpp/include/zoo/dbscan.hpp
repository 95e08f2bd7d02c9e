// DBSCAN (Ester, Kriegel, Sander & Xu 1996), exact: the same core points and
// clusters as the textbook algorithm, found without ever holding every
// neighbourhood in memory (memory grows linearly with n). Three neighbour
// searches share one outline (weighted core counts, union-find over core
// points, border points last): a uniform grid for low dimensions (Gan & Tao
// 2015; Wang, Gu & Shun 2020), a KD-tree for moderate ones and blocked brute
// force through BLAS for high ones.
#pragma once

#include <cstdint>
#include <string>

#include "zoo/interrupt.hpp"

namespace zoo::cluster {

enum class DbscanMetric { euclidean, manhattan, chebyshev };
enum class DbscanAlgorithm { automatic, grid, kd_tree, brute };

// A weighted data set and the DBSCAN parameters, borrowed from the caller.
struct DbscanProblem {
    const double* x;       // n x d, row-major
    const double* weight;  // n, non-negative
    std::int64_t n;
    std::int64_t d;
    double eps;            // neighbours: distance <= eps (the point itself included)
    double min_samples;    // core: weighted neighbour count >= min_samples
    DbscanMetric metric;
    int leaf_size;         // KD-tree leaves hold at most this many points
};

// Fills is_core (0/1 per point) and labels (-1 for noise). Clusters are
// numbered in the order of their lowest-index core point and a border point
// joins the lowest-numbered cluster among its core neighbours, which is what
// the classic breadth-first expansion from each unvisited core point in index
// order produces. Returns the algorithm used ("grid", "kd_tree" or "brute").
// `interrupt` runs between slices of the parallel work and may throw to abort.
std::string dbscan(const DbscanProblem& problem, DbscanAlgorithm algorithm, int n_threads,
                   std::uint8_t* is_core, std::int64_t* labels, const InterruptCheck& interrupt = {});

// Precomputed distances (metric="precomputed"): point i's candidate
// neighbours are row i of a graph in CSR form (indptr n + 1 entries, then
// column indices and distances), or of a dense n x n matrix when indptr is
// nullptr (indices unused). Neighbours are the candidates at distance <=
// eps; rows are taken as given (a point is its own neighbour only when its
// row says so). Same outline, numbering and border rule as dbscan().
struct DbscanGraph {
    const std::int64_t* indptr;  // n + 1, or nullptr for a dense matrix
    const std::int64_t* indices;
    const double* distances;     // nnz, or n x n row-major
    const double* weight;
    std::int64_t n;
    double eps;
    double min_samples;
};
void dbscan_precomputed(const DbscanGraph& graph, int n_threads, std::uint8_t* is_core, std::int64_t* labels,
                        const InterruptCheck& interrupt = {});

}  // namespace zoo::cluster
