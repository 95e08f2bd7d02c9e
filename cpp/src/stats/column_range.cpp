// Column minima and maxima, and the affine map x * scale + shift (clipped on
// request), for zoo.preprocessing.MinMaxScaler.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/stats.hpp"

// x * scale + shift must round twice, as NumPy's out *= scale; out += shift
// does: a fused multiply-add would map a column's minimum to its rounding
// error instead of exactly feature_range[0]. -march=native allows fusing.
#pragma GCC optimize("fp-contract=off")

namespace zoo::stats {

template <class T>
void column_range(const T* x, std::int64_t n, std::int64_t d, double* low, double* high, int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("column_range needs at least one sample and one feature");
    // One contiguous run of rows per thread, each with its own minima and
    // maxima: scratch of O(threads x d), whatever the number of rows.
    n_threads = team_size(n * d, n_threads);
    const std::int64_t part_rows = ceil_div(n, std::min<std::int64_t>(n, n_threads));
    const std::int64_t n_parts = ceil_div(n, part_rows);
    std::vector<T> part_low(static_cast<size_t>(n_parts * d)), part_high(static_cast<size_t>(n_parts * d));
    parallel_chunks(n_parts, n_threads, [&](std::int64_t part, int) {
        const std::int64_t begin = part * part_rows, end = std::min(n, begin + part_rows);
        T* lo = part_low.data() + part * d;
        T* hi = part_high.data() + part * d;
        std::copy(x + begin * d, x + begin * d + d, lo);
        std::copy(x + begin * d, x + begin * d + d, hi);
        for (std::int64_t i = begin + 1; i < end; ++i) {
            const T* row = x + i * d;
            for (std::int64_t f = 0; f < d; ++f) {
                lo[f] = row[f] < lo[f] ? row[f] : lo[f];
                hi[f] = row[f] > hi[f] ? row[f] : hi[f];
            }
        }
    });
    // Minima and maxima are exact, so any partition and merge order gives the same result.
    for (std::int64_t f = 0; f < d; ++f) {
        T lo = part_low[static_cast<size_t>(f)], hi = part_high[static_cast<size_t>(f)];
        for (std::int64_t part = 1; part < n_parts; ++part) {
            lo = std::min(lo, part_low[static_cast<size_t>(part * d + f)]);
            hi = std::max(hi, part_high[static_cast<size_t>(part * d + f)]);
        }
        low[f] = static_cast<double>(lo);
        high[f] = static_cast<double>(hi);
    }
}

template <class T>
void scale_shift_columns(const T* x, std::int64_t n, std::int64_t d, const double* scale, const double* shift,
                         bool clip, double clip_low, double clip_high, T* out, int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("scale_shift_columns needs at least one sample and one feature");
    if (clip && !(clip_low <= clip_high)) throw std::invalid_argument("scale_shift_columns needs clip_low <= clip_high");
    // Factors rounded to T, as NumPy's out *= scale.astype(T) would use them.
    std::vector<T> factor(static_cast<size_t>(d)), offset(static_cast<size_t>(d));
    for (std::int64_t f = 0; f < d; ++f) {
        factor[static_cast<size_t>(f)] = static_cast<T>(scale[f]);
        offset[static_cast<size_t>(f)] = static_cast<T>(shift[f]);
    }
    const T* a = factor.data();
    const T* b = offset.data();
    const T lo = static_cast<T>(clip_low), hi = static_cast<T>(clip_high);
    // Disjoint row ranges per thread; fresh output takes its page faults there.
    const std::int64_t rows = std::max<std::int64_t>(1, 16384 / d);
    parallel_chunks(ceil_div(n, rows), team_size(n * d, n_threads), [&](std::int64_t chunk, int) {
        const std::int64_t begin = chunk * rows, end = std::min(n, begin + rows);
        for (std::int64_t i = begin; i < end; ++i) {
            const T* row = x + i * d;
            T* target = out + i * d;
            if (clip) {
                for (std::int64_t f = 0; f < d; ++f) {
                    const T value = row[f] * a[f] + b[f];
                    target[f] = value < lo ? lo : (value > hi ? hi : value);
                }
            } else {
                for (std::int64_t f = 0; f < d; ++f) target[f] = row[f] * a[f] + b[f];
            }
        }
    });
}

template void column_range<float>(const float*, std::int64_t, std::int64_t, double*, double*, int);
template void column_range<double>(const double*, std::int64_t, std::int64_t, double*, double*, int);
template void scale_shift_columns<float>(const float*, std::int64_t, std::int64_t, const double*, const double*, bool,
                                         double, double, float*, int);
template void scale_shift_columns<double>(const double*, std::int64_t, std::int64_t, const double*, const double*,
                                          bool, double, double, double*, int);

}  // namespace zoo::stats
