// Shared pieces of the tree builder: criteria as policies, node sums, split
// candidates, and the two split finders (exact on sorted raw values, and on
// histograms of binned features).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "zoo/tree.hpp"

namespace zoo::tree::detail {

using row_t = std::int32_t;

// The training data as the builder reads it: X transposed to one column per
// feature (each split scans one feature over a node's rows), targets,
// weights, and the sizes of the criterion's sums.
template <class T>
struct Columns {
    std::vector<T> x;  // d x n, column-major
    std::int64_t n = 0, d = 0;
    const std::int32_t* labels = nullptr;
    const double* y = nullptr;
    const double* w = nullptr;
    int n_stats = 0;  // sums per set of rows: class weights, or (w, w y, w y^2)
    const T* column(std::int64_t f) const { return x.data() + f * n; }
};

// ------------------------------------------------------------ criteria
// A split maximises proxy(left) + proxy(right), where proxy(s) = -(weight of
// s) * impurity(s) up to a constant of the parent: the impurity decrease
// without the parent's terms, cheap to update as rows move left.

struct Gini {
    static constexpr bool classification = true;
    static double proxy(const double* s, int k, double w) {
        double q = 0.0;
        for (int c = 0; c < k; ++c) q += s[c] * s[c];
        return w > 0.0 ? q / w : 0.0;
    }
    // From the fractions, so that a pure node scores exactly 0.
    static double impurity(const double* s, int k, double w) {
        if (w <= 0.0) return 0.0;
        double q = 0.0;
        for (int c = 0; c < k; ++c) q += (s[c] / w) * (s[c] / w);
        return 1.0 - q;
    }
};

// Shannon entropy in bits, as scikit-learn reports it.
struct Entropy {
    static constexpr bool classification = true;
    static double xlog2x(double v) { return v > 0.0 ? v * std::log2(v) : 0.0; }
    static double proxy(const double* s, int k, double w) {
        double q = 0.0;
        for (int c = 0; c < k; ++c) q += xlog2x(s[c]);
        return q - xlog2x(w);
    }
    static double impurity(const double* s, int k, double w) {
        if (w <= 0.0) return 0.0;
        double h = 0.0;
        for (int c = 0; c < k; ++c) h -= xlog2x(s[c] / w);
        return h;
    }
};

// Sums (w, w y, w y^2): weighted variance around the weighted mean.
struct SquaredError {
    static constexpr bool classification = false;
    static double proxy(const double* s, int, double w) { return w > 0.0 ? s[1] * s[1] / w : 0.0; }
    static double impurity(const double* s, int, double w) {
        if (w <= 0.0) return 0.0;
        const double mean = s[1] / w;
        const double variance = s[2] / w - mean * mean;
        return variance > 0.0 ? variance : 0.0;
    }
};

// Adds row i to sums s (classification: its weight to its class; regression
// and absolute error: w, w y, w y^2).
template <class T>
inline void add_row(double* s, const Columns<T>& data, row_t i) {
    const double w = data.w[i];
    if (data.labels != nullptr) {
        s[data.labels[i]] += w;
    } else {
        const double wy = w * data.y[i];
        s[0] += w;
        s[1] += wy;
        s[2] += wy * data.y[i];
    }
}

// Sums over a set of rows.
struct Sums {
    std::vector<double> s;
    double weight = 0.0;
    std::int64_t count = 0;
};

template <class T>
Sums sums_of(const Columns<T>& data, const row_t* rows, std::int64_t n) {
    Sums out;
    out.s.assign(data.n_stats, 0.0);
    for (std::int64_t i = 0; i < n; ++i) {
        add_row(out.s.data(), data, rows[i]);
        out.weight += data.w[rows[i]];
    }
    out.count = n;
    return out;
}

// Minimum sizes of a child.
struct Limits {
    std::int64_t min_samples_leaf = 1;
    double min_weight_leaf = 0.0;
    bool allows(std::int64_t n_left, std::int64_t n_right, double w_left, double w_right) const {
        // A child without weight would predict 0/0; never create one.
        return n_left >= min_samples_leaf && n_right >= min_samples_leaf && w_left > 0.0 && w_right > 0.0 &&
               w_left >= min_weight_leaf && w_right >= min_weight_leaf;
    }
};

// The best split found on one feature (or over several, after reduction).
struct Candidate {
    int feature = -1;
    double proxy = -std::numeric_limits<double>::infinity();
    double threshold = 0.0;
    std::vector<double> left;  // criterion sums of the left child
    double left_weight = 0.0;
    double children_loss = 0.0;  // w_left * impurity_left + w_right * impurity_right
    bool constant = false;  // the feature takes one value in the node
    bool valid() const { return feature >= 0; }
};

// The tie rule: a candidate replaces the best so far only if its proxy is
// larger by more than a relative 1e-10. Proxies that are mathematically
// equal (two features inducing the same partition, mirrored class counts)
// can differ in the last bits depending on the order of floating-point
// operations; with the tolerance such ties go, reproducibly, to the first
// candidate: within a feature the lowest threshold, across features the
// lowest feature index (the reduction runs in feature order).
constexpr double kTieTolerance = 1e-10;
inline bool improves(double proxy, double best) {
    return best == -std::numeric_limits<double>::infinity() || proxy > best + kTieTolerance * std::fabs(best);
}

inline void keep_better(Candidate& best, Candidate&& other) {
    if (other.valid() && (!best.valid() || improves(other.proxy, best.proxy))) best = std::move(other);
}

// A threshold strictly between neighbouring values lo < hi, in the data's
// float type, so that x <= threshold sends lo left and hi right.
template <class T>
double midpoint(T lo, T hi) {
    T mid = lo / T(2) + hi / T(2);
    if (!(mid < hi) || !std::isfinite(static_cast<double>(mid))) mid = lo;
    return static_cast<double>(mid);
}

// ------------------------------------------------------- exact splitter
// Per-thread scratch of the exact splitter.
template <class T>
struct ExactScratch {
    std::vector<std::pair<T, row_t>> pairs;
    std::vector<double> left, right;
    std::vector<double> loss_left, loss_right;  // absolute error only
};

// Best split of the rows on feature f by sorting their values (gini,
// entropy, squared_error and absolute_error); `presorted`: the rows are
// already in ascending order of feature f.
template <class T>
Candidate exact_feature(Criterion criterion, const Columns<T>& data, const Limits& limits, const Sums& total,
                        int f, const row_t* rows, std::int64_t n, bool presorted, ExactScratch<T>& scratch);

// Weighted median of the rows' targets (the smallest y with at least half
// the weight at or below it; the mean of it and the next value when exactly
// half is) and the weighted absolute deviation from it.
template <class T>
std::pair<double, double> median_and_loss(const Columns<T>& data, const row_t* rows, std::int64_t n);

// ---------------------------------------------------- histogram splitter
// Bin edges per feature and the uint8 codes of every value: x <= edges[b]
// exactly when code(x) <= b. Edges are midpoints of neighbouring distinct
// training values, so a split between bins is also a split of raw values.
template <class T>
struct Bins {
    std::vector<std::vector<T>> edges;  // per feature, ascending; n_bins = size + 1
    std::vector<std::uint8_t> codes;    // d x n, column-major
    std::vector<std::int64_t> offset;   // start of each feature's bins in a histogram, in bins
    std::int64_t total_bins = 0;
    int n_bins(std::int64_t f) const { return static_cast<int>(edges[f].size()) + 1; }
};

template <class T>
Bins<T> bin_features(const Columns<T>& data, int max_bins, int n_threads, const InterruptCheck& interrupt);

// A histogram holds, per bin, the criterion sums then weight then count.
inline int histogram_stride(int n_stats) { return n_stats + 2; }

// Fills hist (total_bins * stride) from the rows, features in parallel.
template <class T>
void build_histogram(const Columns<T>& data, const Bins<T>& bins, const row_t* rows, std::int64_t n, double* hist,
                     int n_threads);

template <class T>
Candidate histogram_feature(Criterion criterion, const Columns<T>& data, const Bins<T>& bins, const Limits& limits,
                            const Sums& total, int f, const double* hist);

}  // namespace zoo::tree::detail
