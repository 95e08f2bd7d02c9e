// Binning: each feature cut once into at most max_bins bins at quantiles of
// its training values, every value replaced by its uint8 bin code.
#include <algorithm>
#include <limits>

#include "zoo/parallel.hpp"
#include "tree_detail.hpp"

namespace zoo::tree::detail {

namespace {

// The number of edges below x, by a branch-free binary search over the
// edges padded with +infinity to 255 entries (the widest code).
template <class T>
class EdgeSearch {
public:
    explicit EdgeSearch(const std::vector<T>& edges) : padded_(255, std::numeric_limits<T>::infinity()) {
        std::copy(edges.begin(), edges.end(), padded_.begin());
    }
    int count_below(T x) const {
        int lo = 0;
        for (int step = 128; step > 0; step >>= 1) lo += padded_[lo + step - 1] < x ? step : 0;
        return lo;
    }

private:
    std::vector<T> padded_;
};

// Up to `limit` distinct values of the column, sorted; empty if it has more.
template <class T>
std::vector<T> few_distinct(const T* column, std::int64_t n, int limit) {
    std::vector<T> distinct;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto at = std::lower_bound(distinct.begin(), distinct.end(), column[i]);
        if (at != distinct.end() && *at == column[i]) continue;
        if (static_cast<int>(distinct.size()) == limit) return {};
        distinct.insert(at, column[i]);
    }
    return distinct;
}

// Rows sampled to place the quantile cuts: enough for 256 bins to within a
// fraction of a bin, and much cheaper than sorting a whole large column.
constexpr std::int64_t kSampleSize = 65536;

// Edges and codes of one feature. With at most max_bins distinct values each
// gets its own bin (the histogram splitter then tries exactly the exact
// splitter's thresholds). Otherwise provisional cuts at quantiles k /
// max_bins of an evenly strided sample assign the codes; each final edge is
// then the midpoint between the largest training value of one non-empty bin
// and the smallest of the next, so edges are midpoints of neighbouring
// distinct training values however the sample fell.
template <class T>
std::vector<T> bin_feature(const T* column, std::int64_t n, int max_bins, std::uint8_t* codes) {
    std::vector<T> edges;
    const std::vector<T> distinct = few_distinct(column, n, max_bins);
    if (!distinct.empty()) {
        for (std::size_t j = 0; j + 1 < distinct.size(); ++j)
            edges.push_back(static_cast<T>(midpoint(distinct[j], distinct[j + 1])));
        const EdgeSearch<T> search(edges);
        for (std::int64_t i = 0; i < n; ++i) codes[i] = static_cast<std::uint8_t>(search.count_below(column[i]));
        return edges;
    }
    const std::int64_t stride = std::max<std::int64_t>(1, n / kSampleSize);
    std::vector<T> sample;
    for (std::int64_t i = 0; i < n; i += stride) sample.push_back(column[i]);
    std::sort(sample.begin(), sample.end());
    const std::int64_t m = static_cast<std::int64_t>(sample.size());
    std::vector<T> cuts;
    for (int k = 1; k < max_bins; ++k) {
        const T cut = sample[std::min<std::int64_t>(m - 1, k * m / max_bins)];
        if (cuts.empty() || cuts.back() < cut) cuts.push_back(cut);
    }
    const int n_provisional = static_cast<int>(cuts.size()) + 1;
    std::vector<T> low(n_provisional, std::numeric_limits<T>::infinity());
    std::vector<T> high(n_provisional, -std::numeric_limits<T>::infinity());
    const EdgeSearch<T> search(cuts);
    for (std::int64_t i = 0; i < n; ++i) {
        const int b = search.count_below(column[i]);
        codes[i] = static_cast<std::uint8_t>(b);
        low[b] = std::min(low[b], column[i]);
        high[b] = std::max(high[b], column[i]);
    }
    // Drop empty bins: renumber the codes and put one edge between each pair
    // of neighbouring non-empty bins.
    std::vector<std::uint8_t> renumber(n_provisional, 0);
    int previous = -1, kept = 0;
    for (int b = 0; b < n_provisional; ++b) {
        if (!(low[b] <= high[b])) continue;
        if (previous >= 0) {
            edges.push_back(static_cast<T>(midpoint(high[previous], low[b])));
            ++kept;
        }
        renumber[b] = static_cast<std::uint8_t>(kept);
        previous = b;
    }
    if (kept + 1 < n_provisional) {
        for (std::int64_t i = 0; i < n; ++i) codes[i] = renumber[codes[i]];
    }
    return edges;
}

}  // namespace

template <class T>
Bins<T> bin_features(const Columns<T>& data, int max_bins, int n_threads, const InterruptCheck& interrupt) {
    Bins<T> bins;
    const std::int64_t n = data.n, d = data.d;
    bins.edges.resize(d);
    bins.codes.resize(static_cast<std::size_t>(n * d));
    // One feature per thread at a time, checking for Ctrl-C in between.
    constexpr std::int64_t kSortCost = 64;  // a sort of each column: tens of operations per value
    n_threads = team_size(kSortCost * n * d, n_threads);
    in_slices(d, std::int64_t{n_threads}, interrupt, [&](std::int64_t first, std::int64_t last) {
        parallel_chunks(last - first, n_threads, [&](std::int64_t j, int) {
            const std::int64_t f = first + j;
            bins.edges[f] = bin_feature(data.column(f), n, max_bins, bins.codes.data() + f * n);
        });
    });
    bins.offset.resize(d + 1);
    bins.offset[0] = 0;
    for (std::int64_t f = 0; f < d; ++f) bins.offset[f + 1] = bins.offset[f] + bins.n_bins(f);
    bins.total_bins = bins.offset[d];
    return bins;
}

template Bins<float> bin_features<float>(const Columns<float>&, int, int, const InterruptCheck&);
template Bins<double> bin_features<double>(const Columns<double>&, int, int, const InterruptCheck&);

}  // namespace zoo::tree::detail
