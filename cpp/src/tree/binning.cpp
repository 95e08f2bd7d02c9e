// Binning: each feature cut once into at most max_bins bins at quantiles of
// its training values, every value replaced by its uint8 bin code.
#include <algorithm>

#include "zoo/parallel.hpp"
#include "tree_detail.hpp"

namespace zoo::tree::detail {

namespace {

// Edges for one feature: with at most max_bins distinct values each gets its
// own bin (the histogram splitter then tries exactly the exact splitter's
// thresholds); otherwise the cuts fall at the quantiles k / max_bins of the
// values, each moved to the nearest gap between distinct values at or above
// it, so that no two edges coincide.
template <class T>
std::vector<T> feature_edges(const T* column, std::int64_t n, int max_bins) {
    std::vector<T> sorted(column, column + n);
    std::sort(sorted.begin(), sorted.end());
    std::vector<T> distinct;
    std::vector<std::int64_t> at_or_below;  // samples <= distinct[j]
    for (std::int64_t i = 0; i < n; ++i) {
        if (distinct.empty() || distinct.back() < sorted[i]) {
            if (!distinct.empty()) at_or_below.push_back(i);
            distinct.push_back(sorted[i]);
        }
    }
    at_or_below.push_back(n);
    std::vector<T> edges;
    const std::int64_t n_distinct = static_cast<std::int64_t>(distinct.size());
    if (n_distinct <= max_bins) {
        for (std::int64_t j = 0; j + 1 < n_distinct; ++j)
            edges.push_back(static_cast<T>(midpoint(distinct[j], distinct[j + 1])));
        return edges;
    }
    std::int64_t j = 0;
    for (int k = 1; k < max_bins; ++k) {
        const double target = static_cast<double>(k) * static_cast<double>(n) / max_bins;
        while (j + 1 < n_distinct && static_cast<double>(at_or_below[j]) < target) ++j;
        if (j + 1 >= n_distinct) break;
        const T edge = static_cast<T>(midpoint(distinct[j], distinct[j + 1]));
        if (edges.empty() || edges.back() < edge) edges.push_back(edge);
    }
    return edges;
}

}  // namespace

template <class T>
Bins<T> bin_features(const Columns<T>& data, int max_bins, int n_threads) {
    Bins<T> bins;
    const std::int64_t n = data.n, d = data.d;
    bins.edges.resize(d);
    bins.codes.resize(static_cast<std::size_t>(n * d));
    parallel_chunks(d, n_threads, [&](std::int64_t f, int) {
        const T* column = data.column(f);
        auto edges = feature_edges(column, n, max_bins);
        std::uint8_t* codes = bins.codes.data() + f * n;
        for (std::int64_t i = 0; i < n; ++i) {
            // Code b: the number of edges below x, so x <= edges[b] iff code <= b.
            codes[i] = static_cast<std::uint8_t>(std::lower_bound(edges.begin(), edges.end(), column[i]) -
                                                 edges.begin());
        }
        bins.edges[f] = std::move(edges);
    });
    bins.offset.resize(d + 1);
    bins.offset[0] = 0;
    for (std::int64_t f = 0; f < d; ++f) bins.offset[f + 1] = bins.offset[f] + bins.n_bins(f);
    bins.total_bins = bins.offset[d];
    return bins;
}

template Bins<float> bin_features<float>(const Columns<float>&, int, int);
template Bins<double> bin_features<double>(const Columns<double>&, int, int);

}  // namespace zoo::tree::detail
