// DBSCAN entry point: checks the problem again (the caller validated it) and
// picks the neighbour search.
#include <cmath>
#include <stdexcept>
#include <string>

#include "dbscan_detail.hpp"

namespace zoo::cluster {

namespace {

// KD-tree pruning fades with the dimension; past this many features the
// GEMM-tiled brute force wins on typical data.
constexpr std::int64_t kMaxTreeFeatures = 16;

}  // namespace

std::string dbscan(const DbscanProblem& problem, DbscanAlgorithm algorithm, int n_threads, std::uint8_t* is_core,
                   std::int64_t* labels, const InterruptCheck& interrupt) {
    if (problem.n < 1 || problem.d < 1) throw std::invalid_argument("X must have at least one sample and one feature");
    if (!(problem.eps > 0) || !std::isfinite(problem.eps)) throw std::invalid_argument("eps must be > 0 and finite");
    if (!(problem.min_samples >= 1)) throw std::invalid_argument("min_samples must be >= 1");
    if (problem.leaf_size < 1) throw std::invalid_argument("leaf_size must be >= 1");
    // Each point meets a few dozen candidates per feature in the grid or tree.
    constexpr double kCandidates = 32.0;
    n_threads = team_size(static_cast<double>(problem.n) * static_cast<double>(problem.d) * kCandidates, n_threads);
    for (std::int64_t i = 0; i < problem.n; ++i)
        if (!(problem.weight[i] >= 0)) throw std::invalid_argument("sample_weight must be non-negative");

    if (algorithm == DbscanAlgorithm::automatic) {
        if (dbscan_detail::dbscan_grid_fits(problem)) algorithm = DbscanAlgorithm::grid;
        else if (problem.d <= kMaxTreeFeatures) algorithm = DbscanAlgorithm::kd_tree;
        else algorithm = DbscanAlgorithm::brute;
    } else if (algorithm == DbscanAlgorithm::grid && !dbscan_detail::dbscan_grid_fits(problem)) {
        if (problem.metric != DbscanMetric::euclidean || problem.d > 3)
            throw std::invalid_argument("algorithm='grid' needs the euclidean (or cosine) metric and at most 3 features");
        algorithm = DbscanAlgorithm::kd_tree;  // cell keys would overflow: same answer from the tree
    }
    switch (algorithm) {
        case DbscanAlgorithm::grid: dbscan_detail::dbscan_grid(problem, n_threads, interrupt, is_core, labels); return "grid";
        case DbscanAlgorithm::kd_tree: dbscan_detail::dbscan_kdtree(problem, n_threads, interrupt, is_core, labels); return "kd_tree";
        default: dbscan_detail::dbscan_brute(problem, n_threads, interrupt, is_core, labels); return "brute";
    }
}

}  // namespace zoo::cluster
