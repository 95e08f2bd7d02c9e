// SMOTE's synthetic samples: points on the segments between samples and
// their neighbours, written straight into the caller's output rows.
//
// Each value is start + u * (end - start) with three roundings, in that
// order, as NumPy computes the same expression; a fused multiply-add would
// round once less and change the last bit, so contraction is off here.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <algorithm>
#include <stdexcept>
#include <string>

#include "zoo/neighbors.hpp"
#include "zoo/parallel.hpp"

namespace zoo::neighbors {

namespace {

constexpr std::int64_t kRowsPerChunk = 1024;

void check_rows(const std::int64_t* rows, std::int64_t count, std::int64_t n_samples, const char* name) {
    for (std::int64_t i = 0; i < count; ++i)
        if (rows[i] < 0 || rows[i] >= n_samples)
            throw std::out_of_range(std::string("smote_interpolate: ") + name + " row " + std::to_string(rows[i]) +
                                    " is outside [0, " + std::to_string(n_samples) + ")");
}

}  // namespace

template <class T>
void smote_interpolate(const T* samples, std::int64_t n_samples, std::int64_t d, const std::int64_t* start,
                       const std::int64_t* end, const double* step, std::int64_t n_new, T* out, int n_threads) {
    if (n_samples < 0 || d < 0 || n_new < 0) throw std::invalid_argument("smote_interpolate: negative size");
    n_threads = team_size(n_new * d, n_threads);
    check_rows(start, n_new, n_samples, "start");
    check_rows(end, n_new, n_samples, "end");
    parallel_chunks(ceil_div(n_new, kRowsPerChunk), n_threads, [&](std::int64_t chunk, int) {
        const std::int64_t first = chunk * kRowsPerChunk, last = std::min(n_new, first + kRowsPerChunk);
        for (std::int64_t i = first; i < last; ++i) {
            const T* a = samples + start[i] * d;
            const T* b = samples + end[i] * d;
            const T u = static_cast<T>(step[i]);  // as NumPy's astype: rounded to T once
            T* row = out + i * d;
            for (std::int64_t f = 0; f < d; ++f) {
                const T difference = b[f] - a[f];
                const T offset = u * difference;
                row[f] = a[f] + offset;
            }
        }
    });
}

template void smote_interpolate<float>(const float*, std::int64_t, std::int64_t, const std::int64_t*,
                                       const std::int64_t*, const double*, std::int64_t, float*, int);
template void smote_interpolate<double>(const double*, std::int64_t, std::int64_t, const std::int64_t*,
                                        const std::int64_t*, const double*, std::int64_t, double*, int);

}  // namespace zoo::neighbors
