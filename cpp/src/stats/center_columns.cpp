// Column means and variances with centring, in two parallel passes over X.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/stats.hpp"

namespace zoo::stats {

namespace {

constexpr std::int64_t kBlockRows = 1024;

// Per-block column sums, added in block order for a thread-independent total.
template <class Accumulate>
void column_totals(std::int64_t n, std::int64_t d, int n_threads, std::vector<double>& totals, Accumulate&& accumulate) {
    const std::int64_t n_blocks = ceil_div(n, kBlockRows);
    std::vector<double> partial(static_cast<size_t>(n_blocks * d), 0.0);
    parallel_chunks(n_blocks, team_size(n * d, n_threads), [&](std::int64_t block, int) {
        const std::int64_t begin = block * kBlockRows, end = std::min(n, begin + kBlockRows);
        accumulate(begin, end, partial.data() + block * d);
    });
    totals.assign(static_cast<size_t>(d), 0.0);
    for (std::int64_t block = 0; block < n_blocks; ++block)
        for (std::int64_t f = 0; f < d; ++f) totals[static_cast<size_t>(f)] += partial[static_cast<size_t>(block * d + f)];
}

}  // namespace

template <class T>
void center_columns(const T* x, std::int64_t n, std::int64_t d, T* centered, double* mean, double* variance,
                    int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("center_columns needs at least one sample and one feature");
    std::vector<double> totals;
    column_totals(n, d, n_threads, totals, [&](std::int64_t begin, std::int64_t end, double* sums) {
        for (std::int64_t i = begin; i < end; ++i)
            for (std::int64_t f = 0; f < d; ++f) sums[f] += static_cast<double>(x[i * d + f]);
    });
    std::vector<T> shift(static_cast<size_t>(d));
    for (std::int64_t f = 0; f < d; ++f) {
        mean[f] = totals[static_cast<size_t>(f)] / static_cast<double>(n);
        shift[static_cast<size_t>(f)] = static_cast<T>(mean[f]);
    }
    // Variance from the centred values (two-pass), which stays accurate when
    // the mean is large compared with the spread.
    column_totals(n, d, n_threads, totals, [&](std::int64_t begin, std::int64_t end, double* squares) {
        for (std::int64_t i = begin; i < end; ++i) {
            for (std::int64_t f = 0; f < d; ++f) {
                const T value = x[i * d + f] - shift[static_cast<size_t>(f)];
                centered[i * d + f] = value;
                squares[f] += static_cast<double>(value) * static_cast<double>(value);
            }
        }
    });
    for (std::int64_t f = 0; f < d; ++f) {
        // The stored shift is the mean rounded to T; correct for the residual.
        const double residual = mean[f] - static_cast<double>(shift[static_cast<size_t>(f)]);
        variance[f] = std::max(totals[static_cast<size_t>(f)] / static_cast<double>(n) - residual * residual, 0.0);
    }
}

template void center_columns<float>(const float*, std::int64_t, std::int64_t, float*, double*, double*, int);
template void center_columns<double>(const double*, std::int64_t, std::int64_t, double*, double*, double*, int);

}  // namespace zoo::stats
