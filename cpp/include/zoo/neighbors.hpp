// Exact k-nearest-neighbour search within one set of points (SMOTE's
// neighbours in zoo.imbalance).
#pragma once

#include <cstdint>

#include "zoo/interrupt.hpp"

namespace zoo::neighbors {

// For each query (a row index into x, n x d row-major float64), writes to
// out (n_queries x k, row-major) the indices of its k nearest other rows by
// Euclidean distance, nearest first, equal distances by lower index. A query
// is never its own neighbour; its duplicates are, at distance 0.
//
// Candidates come from blocked GEMMs; the ranking from distances computed
// directly from the coordinates, so the answer is exact and does not depend
// on the tile (block_rows queries by block_cols points, 0 = automatic) or
// n_threads. Throws std::invalid_argument
// for k outside [1, n - 1], non-finite coordinates or sizes BLAS cannot
// take, std::out_of_range for a query index outside [0, n).
void knn_brute(const double* x, std::int64_t n, std::int64_t d, const std::int64_t* queries,
               std::int64_t n_queries, std::int64_t k, std::int64_t block_rows, std::int64_t block_cols, int n_threads,
               std::int64_t* out, const InterruptCheck& interrupt);

// SMOTE's synthetic samples: row i of out (n_new x d) is
// samples[start[i]] + step[i] * (samples[end[i]] - samples[start[i]]), computed
// in T (step rounded to T) with a rounding after each operation, exactly as
// NumPy evaluates that expression. Parallel over rows; the result does not
// depend on n_threads. Throws std::out_of_range for a row outside
// [0, n_samples).
template <class T>
void smote_interpolate(const T* samples, std::int64_t n_samples, std::int64_t d, const std::int64_t* start,
                       const std::int64_t* end, const double* step, std::int64_t n_new, T* out, int n_threads);

}  // namespace zoo::neighbors
