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

// Partial moments (weight, mean - origin, M2 per column) of a number of
// parts, in one buffer.
class Partials {
public:
    Partials(std::int64_t count, std::int64_t d)
        : d_(d), weight_(static_cast<size_t>(count)), values_(static_cast<size_t>(count * 2 * d)) {}
    double& weight(std::int64_t i) { return weight_[static_cast<size_t>(i)]; }
    double* mean(std::int64_t i) { return values_.data() + i * 2 * d_; }
    double* m2(std::int64_t i) { return mean(i) + d_; }
    // Part b into part a (which comes first in row order).
    void merge(std::int64_t a, std::int64_t b) { merge_moments(weight(a), mean(a), m2(a), weight(b), mean(b), m2(b), d_); }
    void copy(std::int64_t from, Partials& to, std::int64_t i) {
        to.weight(i) = weight(from);
        std::copy(mean(from), mean(from) + 2 * d_, to.mean(i));
    }

private:
    std::int64_t d_;
    std::vector<double> weight_, values_;
};

// The merge tree of column_moments over blocks [first, last), where first is
// a multiple of a power of two at least last - first: a subtree. Computed as
// a binary counter (a new block enters at level 0, two parts at the same
// level merge into one a level up), so it holds at most log2(last - first) + 1
// partials instead of one per block, and performs exactly the merges of the
// tree: the parts left when the blocks run out are the right edge of a
// truncated tree, merged from the smallest up as the tree's strides do.
template <class T>
void subtree_moments(const T* x, const double* weights, const double* origin, std::int64_t n, std::int64_t d,
                     std::int64_t rows, std::int64_t first, std::int64_t last, Partials& stack,
                     std::vector<int>& levels, Partials& out, std::int64_t out_index) {
    std::int64_t top = -1;  // index of the last part on the stack
    for (std::int64_t block = first; block < last; ++block) {
        ++top;
        levels[static_cast<size_t>(top)] = 0;
        const std::int64_t begin = block * rows, end = std::min(n, begin + rows);
        block_moments(x, weights, origin, begin, end, d, stack.weight(top), stack.mean(top), stack.m2(top));
        while (top > 0 && levels[static_cast<size_t>(top)] == levels[static_cast<size_t>(top - 1)]) {
            stack.merge(top - 1, top);
            ++levels[static_cast<size_t>(--top)];
        }
    }
    for (; top > 0; --top) stack.merge(top - 1, top);
    stack.copy(0, out, out_index);
}

std::int64_t floor_log2(std::int64_t value) {
    std::int64_t log = 0;
    while ((std::int64_t(2) << log) <= value) ++log;
    return log;
}

}  // namespace

template <class T>
void column_moments(const T* x, const double* weights, std::int64_t n, std::int64_t d, double* total_weight,
                    double* mean, double* m2, int n_threads) {
    if (n < 1 || d < 1) throw std::invalid_argument("column_moments needs at least one sample and one feature");
    n_threads = team_size(n * d, n_threads);
    const std::int64_t rows = moment_block_rows(d);
    const std::int64_t n_blocks = ceil_div(n, rows);
    std::vector<double> origin(x, x + d);  // the first row: any value of each column will do
    // The blocks are merged along a fixed binary tree (neighbours first): the
    // same merge order, hence the same rounding, for every thread count, and
    // rounding that grows with log(blocks). Its subtrees of `span` blocks are
    // the parallel tasks; span grows with the data so that there are a few
    // tasks per thread, which keeps the scratch memory at
    // O(threads x log(blocks) x d) rather than one partial per block (16
    // bytes per input value once a block is a single row).
    std::int64_t span = 1;
    while (ceil_div(n_blocks, span) > 4 * std::int64_t{n_threads}) span *= 2;
    const std::int64_t n_tasks = ceil_div(n_blocks, span);
    const std::int64_t depth = floor_log2(span) + 1;
    Partials tasks(n_tasks, d);
    std::vector<Partials> stacks;
    std::vector<std::vector<int>> levels;
    for (int t = 0; t < n_threads; ++t) {
        stacks.emplace_back(depth, d);
        levels.emplace_back(static_cast<size_t>(depth));
    }
    parallel_chunks(n_tasks, n_threads, [&](std::int64_t task, int thread) {
        subtree_moments(x, weights, origin.data(), n, d, rows, task * span, std::min(n_blocks, (task + 1) * span),
                        stacks[static_cast<size_t>(thread)], levels[static_cast<size_t>(thread)], tasks, task);
    });
    // The levels of the tree above the subtrees.
    for (std::int64_t stride = 1; stride < n_tasks; stride *= 2) {
        for (std::int64_t a = 0; a + stride < n_tasks; a += 2 * stride) tasks.merge(a, a + stride);
    }
    *total_weight = tasks.weight(0);
    for (std::int64_t f = 0; f < d; ++f) mean[f] = origin[static_cast<size_t>(f)] + tasks.mean(0)[f];
    std::copy(tasks.m2(0), tasks.m2(0) + d, m2);
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
    parallel_chunks(ceil_div(n, rows), team_size(n * d, n_threads), [&](std::int64_t chunk, int) {
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
