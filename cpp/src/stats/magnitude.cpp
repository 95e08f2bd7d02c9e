// The largest magnitude in an array and whether every value is finite, in
// one parallel pass: the exact linear models' input check and overflow
// bound, which read X twice before (a finiteness sum, then its range).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/stats.hpp"

namespace zoo::stats {

template <class T>
Magnitude largest_magnitude(const T* x, std::int64_t count, int n_threads) {
    if (count < 1) throw std::invalid_argument("largest_magnitude needs at least one value");
    constexpr std::int64_t kChunk = 1 << 16;
    const std::int64_t n_chunks = ceil_div(count, kChunk);
    std::vector<double> largest(static_cast<std::size_t>(n_chunks)), defect(static_cast<std::size_t>(n_chunks));
    parallel_chunks(n_chunks, team_size(count, n_threads), [&](std::int64_t chunk, int) {
        const std::int64_t begin = chunk * kChunk, end = std::min(count, begin + kChunk);
        // v - v is 0 for a finite v and NaN for NaN and infinity: its sum
        // says whether any value was not finite, and can never overflow.
        T top = 0, sum = 0;
#pragma omp simd reduction(max : top) reduction(+ : sum)
        for (std::int64_t k = begin; k < end; ++k) {
            const T magnitude = std::abs(x[k]);
            top = magnitude > top ? magnitude : top;
            sum += x[k] - x[k];
        }
        largest[static_cast<std::size_t>(chunk)] = static_cast<double>(top);
        defect[static_cast<std::size_t>(chunk)] = static_cast<double>(sum);
    });
    Magnitude result;
    for (std::int64_t c = 0; c < n_chunks; ++c) {
        result.largest = std::max(result.largest, largest[static_cast<std::size_t>(c)]);
        result.finite = result.finite && defect[static_cast<std::size_t>(c)] == 0.0;
    }
    return result;
}

template Magnitude largest_magnitude<float>(const float*, std::int64_t, int);
template Magnitude largest_magnitude<double>(const double*, std::int64_t, int);

}  // namespace zoo::stats
