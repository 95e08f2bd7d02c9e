// Weighted column moments in one parallel pass, and the standardising
// transform (x - mean) / scale, for zoo.preprocessing.StandardScaler.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/stats.hpp"

namespace zoo::stats {

namespace {

// Rows per block: about 32k values, so a block stays in L2 between its two
// passes. It depends on d only, never on the thread count, so the partition
// (and hence every rounding) is the same whatever n_threads is.
std::int64_t moment_block_rows(std::int64_t d) { return std::max<std::int64_t>(1, 32768 / d); }

// One block's (weight, mean - origin, M2) per column, with a two-pass sum
// inside the block: its values are still in cache for the second pass, and
// the centred squares keep M2 accurate when the mean is large compared with
// the spread. Summing x - origin (a value of the column) rather than x keeps
// the block means' rounding at the scale of the spread, not of the offset;
// otherwise the merge's delta**2 term, a difference of two such means, loses
// digits on data such as 1e6 + noise(1e-3).
template <class T>
void block_moments(const T* x, const double* weights, const double* origin, std::int64_t begin, std::int64_t end,
                   std::int64_t d, double& weight, double* mean, double* m2) {
    double total = 0.0;
    std::fill(mean, mean + d, 0.0);
    std::fill(m2, m2 + d, 0.0);
    for (std::int64_t i = begin; i < end; ++i) {
        const T* row = x + i * d;
        const double w = weights ? weights[i] : 1.0;
        total += w;
        if (weights) {
            for (std::int64_t f = 0; f < d; ++f) mean[f] += w * (static_cast<double>(row[f]) - origin[f]);
        } else {
            for (std::int64_t f = 0; f < d; ++f) mean[f] += static_cast<double>(row[f]) - origin[f];
        }
    }
    weight = total;
    if (total == 0.0) return;  // all-zero weights: an empty part, skipped when merging
    for (std::int64_t f = 0; f < d; ++f) mean[f] /= total;
    for (std::int64_t i = begin; i < end; ++i) {
        const T* row = x + i * d;
        if (weights) {
            const double w = weights[i];
            for (std::int64_t f = 0; f < d; ++f) {
                const double deviation = (static_cast<double>(row[f]) - origin[f]) - mean[f];
                m2[f] += w * deviation * deviation;
            }
        } else {
            for (std::int64_t f = 0; f < d; ++f) {
                const double deviation = (static_cast<double>(row[f]) - origin[f]) - mean[f];
                m2[f] += deviation * deviation;
            }
        }
    }
}

// Chan, Golub & LeVeque's pairwise combination of part b into part a.
void merge_moments(double& weight_a, double* mean_a, double* m2_a, double weight_b, const double* mean_b,
                   const double* m2_b, std::int64_t d) {
    if (weight_b == 0.0) return;
    if (weight_a == 0.0) {
        weight_a = weight_b;
        std::copy(mean_b, mean_b + d, mean_a);
        std::copy(m2_b, m2_b + d, m2_a);
        return;
    }
    const double total = weight_a + weight_b;
    const double share_b = weight_b / total;
    const double cross = weight_a * share_b;  // weight_a * weight_b / total
    for (std::int64_t f = 0; f < d; ++f) {
        const double delta = mean_b[f] - mean_a[f];
        mean_a[f] += delta * share_b;
        m2_a[f] += m2_b[f] + delta * delta * cross;
    }
    weight_a = total;
}

}  // namespace

template <class T>
void column_moments(const T* x, const double* weights, std::int64_t n, std::int64_t d, double* total_weight,
                    double* mean, double* m2, int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("column_moments needs at least one sample and one feature");
    const std::int64_t rows = moment_block_rows(d);
    const std::int64_t n_blocks = ceil_div(n, rows);
    std::vector<double> block_weight(static_cast<size_t>(n_blocks));
    std::vector<double> block_mean(static_cast<size_t>(n_blocks * d)), block_m2(static_cast<size_t>(n_blocks * d));
    std::vector<double> origin(x, x + d);  // the first row: any value of each column will do
    parallel_chunks(n_blocks, n_threads, [&](std::int64_t block, int) {
        const std::int64_t begin = block * rows, end = std::min(n, begin + rows);
        block_moments(x, weights, origin.data(), begin, end, d, block_weight[static_cast<size_t>(block)],
                      block_mean.data() + block * d, block_m2.data() + block * d);
    });
    // A fixed binary tree over the blocks (neighbours first): the same merge
    // order for every thread count, and rounding that grows with log(blocks).
    for (std::int64_t stride = 1; stride < n_blocks; stride *= 2) {
        for (std::int64_t a = 0; a + stride < n_blocks; a += 2 * stride) {
            const std::int64_t b = a + stride;
            merge_moments(block_weight[static_cast<size_t>(a)], block_mean.data() + a * d, block_m2.data() + a * d,
                          block_weight[static_cast<size_t>(b)], block_mean.data() + b * d, block_m2.data() + b * d, d);
        }
    }
    *total_weight = block_weight[0];
    for (std::int64_t f = 0; f < d; ++f) mean[f] = origin[static_cast<size_t>(f)] + block_mean[static_cast<size_t>(f)];
    std::copy(block_m2.begin(), block_m2.begin() + d, m2);
}

template <class T>
void standardize_columns(const T* x, std::int64_t n, std::int64_t d, const double* mean, const double* scale, T* out,
                         int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("standardize_columns needs at least one sample and one feature");
    // Subtract and divide in T with the statistics rounded to T: the same
    // arithmetic as NumPy's out -= mean.astype(T); out /= scale.astype(T).
    std::vector<T> shift(static_cast<size_t>(d), T(0)), divisor(static_cast<size_t>(d), T(1));
    for (std::int64_t f = 0; f < d; ++f) {
        if (mean) shift[static_cast<size_t>(f)] = static_cast<T>(mean[f]);
        if (scale) divisor[static_cast<size_t>(f)] = static_cast<T>(scale[f]);
    }
    const T* s = shift.data();
    const T* v = divisor.data();
    // Threads write disjoint row ranges of `out`; when it is fresh memory this
    // also spreads its first-touch page faults over the threads.
    const std::int64_t rows = std::max<std::int64_t>(1, 16384 / d);
    parallel_chunks(ceil_div(n, rows), n_threads, [&](std::int64_t chunk, int) {
        const std::int64_t begin = chunk * rows, end = std::min(n, begin + rows);
        for (std::int64_t i = begin; i < end; ++i) {
            const T* row = x + i * d;
            T* target = out + i * d;
            if (scale) {
                for (std::int64_t f = 0; f < d; ++f) target[f] = (row[f] - s[f]) / v[f];
            } else {
                for (std::int64_t f = 0; f < d; ++f) target[f] = row[f] - s[f];
            }
        }
    });
}

template void column_moments<float>(const float*, const double*, std::int64_t, std::int64_t, double*, double*,
                                     double*, int);
template void column_moments<double>(const double*, const double*, std::int64_t, std::int64_t, double*, double*,
                                      double*, int);
template void standardize_columns<float>(const float*, std::int64_t, std::int64_t, const double*, const double*,
                                         float*, int);
template void standardize_columns<double>(const double*, std::int64_t, std::int64_t, const double*, const double*,
                                          double*, int);

}  // namespace zoo::stats
