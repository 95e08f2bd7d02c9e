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

namespace {

// One chunk's largest |x| and the sum of x - x, which is 0 for finite
// values and NaN as soon as one is NaN or infinite (and never overflows).
// A plain function over a pointer and a count: written inside the lambda
// below, on the captured pointer and 64-bit bounds, GCC vectorised the
// loop with gathers instead of loads, ten times slower than memory.
template <class T>
void chunk_magnitude(const T* x, std::int64_t count, double& largest, double& defect) {
    T top = 0, sum = 0;
#pragma omp simd reduction(max : top) reduction(+ : sum)
    for (std::int64_t k = 0; k < count; ++k) {
        const T magnitude = std::abs(x[k]);
        top = magnitude > top ? magnitude : top;
        sum += x[k] - x[k];
    }
    largest = static_cast<double>(top);
    defect = static_cast<double>(sum);
}

}  // namespace

template <class T>
Magnitude largest_magnitude(const T* x, std::int64_t count, int n_threads) {
    if (count < 1) throw std::invalid_argument("largest_magnitude needs at least one value");
    constexpr std::int64_t kChunk = 1 << 16;
    const std::int64_t n_chunks = ceil_div(count, kChunk);
    std::vector<double> largest(static_cast<std::size_t>(n_chunks)), defect(static_cast<std::size_t>(n_chunks));
    parallel_chunks(n_chunks, team_size(count, n_threads), [&](std::int64_t chunk, int) {
        const std::int64_t begin = chunk * kChunk;
        const auto c = static_cast<std::size_t>(chunk);
        chunk_magnitude(x + begin, std::min(kChunk, count - begin), largest[c], defect[c]);
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
