// Column statistics used when preparing data for a fit.
#pragma once

#include <cstdint>

namespace zoo::stats {

// Writes x minus its column means into `centered` (n x d, may alias x) and
// fills `mean` and `variance` (d entries each, population variance) in
// double. Parallel over row blocks, reduced in block order, so the result
// does not depend on the thread count.
template <class T>
void center_columns(const T* x, std::int64_t n, std::int64_t d, T* centered, double* mean, double* variance,
                    int n_threads);

}  // namespace zoo::stats
