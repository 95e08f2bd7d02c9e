// The histogram split finder: per feature, the criterion sums of a node's
// rows in each bin; a split is a cut between bins, scanned in O(bins).
#include <algorithm>

#include "zoo/parallel.hpp"
#include "tree_detail.hpp"

namespace zoo::tree::detail {

namespace {

// One feature's histogram. The rows are in ascending order (partitions are
// stable), so the code column is read front to back.
template <class T>
void feature_histogram(const Columns<T>& data, const std::uint8_t* codes, const row_t* rows, std::int64_t n,
                       double* hist) {
    const int stride = histogram_stride(data.n_stats);
    const int k = data.n_stats;
    if (data.labels != nullptr) {
        for (std::int64_t i = 0; i < n; ++i) {
            const row_t row = rows[i];
            double* h = hist + static_cast<std::int64_t>(codes[row]) * stride;
            const double w = data.w[row];
            h[data.labels[row]] += w;
            h[k] += w;
            h[k + 1] += 1.0;
        }
    } else {
        for (std::int64_t i = 0; i < n; ++i) {
            const row_t row = rows[i];
            double* h = hist + static_cast<std::int64_t>(codes[row]) * stride;
            const double w = data.w[row];
            const double wy = w * data.y[row];
            h[0] += w;
            h[1] += wy;
            h[2] += wy * data.y[row];
            h[k] += w;
            h[k + 1] += 1.0;
        }
    }
}

template <class Crit, class T>
Candidate scan_bins(const Columns<T>& data, const Bins<T>& bins, const Limits& limits, const Sums& total, int f,
                    const double* hist) {
    const int k = data.n_stats;
    const int stride = histogram_stride(k);
    const int n_bins = bins.n_bins(f);
    Candidate best;
    std::vector<double> left(k, 0.0), right(k, 0.0);
    double w_left = 0.0;
    std::int64_t n_left = 0;
    int best_bin = -1, occupied = 0;
    for (int b = 0; b < n_bins; ++b) {
        const double* h = hist + static_cast<std::int64_t>(b) * stride;
        if (h[k + 1] == 0.0) continue;  // an empty bin: the same partition as the cut before it
        ++occupied;
        for (int c = 0; c < k; ++c) left[c] += h[c];
        w_left += h[k];
        n_left += static_cast<std::int64_t>(h[k + 1]);
        const std::int64_t n_right = total.count - n_left;
        if (n_right <= 0 || n_right < limits.min_samples_leaf) break;
        const double w_right = total.weight - w_left;
        if (!limits.allows(n_left, n_right, w_left, w_right)) continue;
        for (int c = 0; c < k; ++c) right[c] = total.s[c] - left[c];
        const double proxy = Crit::proxy(left.data(), k, w_left) + Crit::proxy(right.data(), k, w_right);
        if (improves(proxy, best.proxy)) {
            best.proxy = proxy;
            best.left = left;
            best.left_weight = w_left;
            best_bin = b;
        }
    }
    if (best_bin < 0) {
        best.constant = occupied <= 1;
        return best;
    }
    best.feature = f;
    best.threshold = static_cast<double>(bins.edges[f][best_bin]);
    for (int c = 0; c < k; ++c) right[c] = total.s[c] - best.left[c];
    const double w_right = total.weight - best.left_weight;
    best.children_loss = best.left_weight * Crit::impurity(best.left.data(), k, best.left_weight) +
                         w_right * Crit::impurity(right.data(), k, w_right);
    return best;
}

}  // namespace

template <class T>
void build_histogram(const Columns<T>& data, const Bins<T>& bins, const row_t* rows, std::int64_t n, double* hist,
                     int n_threads) {
    const int stride = histogram_stride(data.n_stats);
    std::fill(hist, hist + bins.total_bins * stride, 0.0);
    constexpr std::int64_t kPairCost = 16;  // operations per (row, feature) pair, for parallel.hpp's rule
    const int threads = team_size(kPairCost * n * data.d, n_threads);
    parallel_chunks(data.d, threads, [&](std::int64_t f, int) {
        feature_histogram(data, bins.codes.data() + f * data.n, rows, n, hist + bins.offset[f] * stride);
    });
}

template <class T>
Candidate histogram_feature(Criterion criterion, const Columns<T>& data, const Bins<T>& bins, const Limits& limits,
                            const Sums& total, int f, const double* hist) {
    const double* h = hist + bins.offset[f] * histogram_stride(data.n_stats);
    switch (criterion) {
        case Criterion::gini: return scan_bins<Gini>(data, bins, limits, total, f, h);
        case Criterion::entropy: return scan_bins<Entropy>(data, bins, limits, total, f, h);
        case Criterion::squared_error: return scan_bins<SquaredError>(data, bins, limits, total, f, h);
        case Criterion::absolute_error: break;  // the builder splits absolute error exactly
    }
    return {};
}

template void build_histogram<float>(const Columns<float>&, const Bins<float>&, const row_t*, std::int64_t, double*,
                                     int);
template void build_histogram<double>(const Columns<double>&, const Bins<double>&, const row_t*, std::int64_t,
                                      double*, int);
template Candidate histogram_feature<float>(Criterion, const Columns<float>&, const Bins<float>&, const Limits&,
                                            const Sums&, int, const double*);
template Candidate histogram_feature<double>(Criterion, const Columns<double>&, const Bins<double>&,
                                             const Limits&, const Sums&, int, const double*);

}  // namespace zoo::tree::detail
