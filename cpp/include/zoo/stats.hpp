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

// Weighted per-column moments of x (n x d) in double, in one parallel pass:
// `total_weight` receives the sum of the weights (n when `weights` is null),
// `mean` and `m2` (d entries each) the weighted means and sums of squared
// deviations from them. Row blocks of a size fixed by d are merged in a fixed
// tree order (Chan, Golub & LeVeque), so the result does not depend on the
// thread count.
template <class T>
void column_moments(const T* x, const double* weights, std::int64_t n, std::int64_t d, double* total_weight,
                    double* mean, double* m2, int n_threads);

// out = (x - mean) / scale, computed in T with mean and scale rounded to T;
// a null `mean` or `scale` skips that step. `out` may alias x.
template <class T>
void standardize_columns(const T* x, std::int64_t n, std::int64_t d, const double* mean, const double* scale, T* out,
                         int n_threads);

// Whether all `count` values of x are finite and, if so, the largest |x|
// (as double). Parallel over fixed chunks.
struct Magnitude {
    bool finite = true;
    double largest = 0.0;
};
template <class T>
Magnitude largest_magnitude(const T* x, std::int64_t count, int n_threads);

// Column minima and maxima of x (n x d), written as double into low and high.
template <class T>
void column_range(const T* x, std::int64_t n, std::int64_t d, double* low, double* high, int n_threads);

// out = x * scale + shift in T with scale and shift rounded to T, rounding
// after the product and after the sum (no fused multiply-add), then clipped to
// [clip_low, clip_high] when `clip` is set. `out` may alias x.
template <class T>
void scale_shift_columns(const T* x, std::int64_t n, std::int64_t d, const double* scale, const double* shift,
                         bool clip, double clip_low, double clip_high, T* out, int n_threads);

}  // namespace zoo::stats
