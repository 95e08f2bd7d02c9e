// The exact split finder: sort a node's values of one feature and try every
// threshold between neighbouring distinct values.
#include <algorithm>

#include "tree_detail.hpp"

namespace zoo::tree::detail {

namespace {

template <class T>
void sort_values(const Columns<T>& data, int f, const row_t* rows, std::int64_t n, bool presorted,
                 ExactScratch<T>& scratch) {
    auto& pairs = scratch.pairs;
    pairs.resize(static_cast<std::size_t>(n));
    const T* column = data.column(f);
    for (std::int64_t i = 0; i < n; ++i) pairs[i] = {column[rows[i]], rows[i]};
    if (presorted) return;
    // Rows arrive in a fixed order and std::sort is deterministic, so equal
    // values keep a reproducible order without a tie-break on the row.
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

template <class T, class Crit>
Candidate scan_sorted(const Columns<T>& data, const Limits& limits, const Sums& total, int f,
                      ExactScratch<T>& scratch) {
    const auto& pairs = scratch.pairs;
    const std::int64_t n = static_cast<std::int64_t>(pairs.size());
    const int k = data.n_stats;
    Candidate best;
    if (n < 2 || !(pairs.front().first < pairs.back().first)) {
        best.constant = true;
        return best;
    }
    auto& left = scratch.left;
    auto& right = scratch.right;
    left.assign(k, 0.0);
    right.assign(k, 0.0);
    double w_left = 0.0;
    std::int64_t best_at = -1;
    for (std::int64_t i = 0; i + 1 < n; ++i) {
        const row_t row = pairs[i].second;
        add_row(left.data(), data, row);
        w_left += data.w[row];
        if (!(pairs[i].first < pairs[i + 1].first)) continue;
        const std::int64_t n_left = i + 1;
        if (n - n_left < limits.min_samples_leaf) break;
        const double w_right = total.weight - w_left;
        if (!limits.allows(n_left, n - n_left, w_left, w_right)) continue;
        for (int c = 0; c < k; ++c) right[c] = total.s[c] - left[c];
        const double proxy = Crit::proxy(left.data(), k, w_left) + Crit::proxy(right.data(), k, w_right);
        if (improves(proxy, best.proxy)) {
            best.proxy = proxy;
            best.left = left;
            best.left_weight = w_left;
            best_at = i;
        }
    }
    if (best_at < 0) return best;
    best.feature = f;
    best.threshold = midpoint(pairs[best_at].first, pairs[best_at + 1].first);
    for (int c = 0; c < k; ++c) right[c] = total.s[c] - best.left[c];
    const double w_right = total.weight - best.left_weight;
    best.children_loss = best.left_weight * Crit::impurity(best.left.data(), k, best.left_weight) +
                         w_right * Crit::impurity(right.data(), k, w_right);
    return best;
}

// Weighted absolute deviation from the weighted median of a growing set,
// in O(log n) per insertion (two heaps split at the median).
class MedianLoss {
public:
    void clear() {
        low_.clear();
        high_.clear();
        w_low_ = s_low_ = w_high_ = s_high_ = 0.0;
    }
    void insert(double y, double w) {
        if (low_.empty() || y <= low_.front().first) {
            push(low_, {y, w}, Lower{});
            w_low_ += w;
            s_low_ += w * y;
        } else {
            push(high_, {y, w}, Higher{});
            w_high_ += w;
            s_high_ += w * y;
        }
        // Keep the median (top of low_) the smallest value with at least half
        // the weight at or below it.
        const double half = 0.5 * (w_low_ + w_high_);
        while (w_low_ < half && !high_.empty()) {
            const auto item = pop(high_, Higher{});
            w_high_ -= item.second;
            s_high_ -= item.second * item.first;
            push(low_, item, Lower{});
            w_low_ += item.second;
            s_low_ += item.second * item.first;
        }
        while (low_.size() > 1 && w_low_ - low_.front().second >= half) {
            const auto item = pop(low_, Lower{});
            w_low_ -= item.second;
            s_low_ -= item.second * item.first;
            push(high_, item, Higher{});
            w_high_ += item.second;
            s_high_ += item.second * item.first;
        }
    }
    double loss() const {
        if (low_.empty()) return 0.0;
        const double m = low_.front().first;
        const double value = (m * w_low_ - s_low_) + (s_high_ - m * w_high_);
        return value > 0.0 ? value : 0.0;
    }

private:
    using Item = std::pair<double, double>;
    struct Lower {  // max-heap on y
        bool operator()(const Item& a, const Item& b) const { return a.first < b.first; }
    };
    struct Higher {  // min-heap on y
        bool operator()(const Item& a, const Item& b) const { return a.first > b.first; }
    };
    template <class Cmp>
    static void push(std::vector<Item>& heap, Item item, Cmp cmp) {
        heap.push_back(item);
        std::push_heap(heap.begin(), heap.end(), cmp);
    }
    template <class Cmp>
    static Item pop(std::vector<Item>& heap, Cmp cmp) {
        std::pop_heap(heap.begin(), heap.end(), cmp);
        const Item item = heap.back();
        heap.pop_back();
        return item;
    }
    std::vector<Item> low_, high_;
    double w_low_ = 0.0, s_low_ = 0.0, w_high_ = 0.0, s_high_ = 0.0;
};

template <class T>
Candidate scan_sorted_absolute(const Columns<T>& data, const Limits& limits, const Sums& total, int f,
                               ExactScratch<T>& scratch) {
    const auto& pairs = scratch.pairs;
    const std::int64_t n = static_cast<std::int64_t>(pairs.size());
    Candidate best;
    if (n < 2 || !(pairs.front().first < pairs.back().first)) {
        best.constant = true;
        return best;
    }
    // loss_left[i]: rows 0..i; loss_right[i]: rows i+1..n-1.
    auto& loss_left = scratch.loss_left;
    auto& loss_right = scratch.loss_right;
    loss_left.resize(n);
    loss_right.resize(n);
    MedianLoss median;
    for (std::int64_t i = 0; i < n; ++i) {
        const row_t row = pairs[i].second;
        median.insert(data.y[row], data.w[row]);
        loss_left[i] = median.loss();
    }
    median.clear();
    loss_right[n - 1] = 0.0;
    for (std::int64_t i = n - 1; i >= 1; --i) {
        const row_t row = pairs[i].second;
        median.insert(data.y[row], data.w[row]);
        loss_right[i - 1] = median.loss();
    }
    double w_left = 0.0;
    for (std::int64_t i = 0; i + 1 < n; ++i) {
        w_left += data.w[pairs[i].second];
        if (!(pairs[i].first < pairs[i + 1].first)) continue;
        const std::int64_t n_left = i + 1;
        if (n - n_left < limits.min_samples_leaf) break;
        const double w_right = total.weight - w_left;
        if (!limits.allows(n_left, n - n_left, w_left, w_right)) continue;
        const double proxy = -(loss_left[i] + loss_right[i]);
        if (improves(proxy, best.proxy)) {
            best.proxy = proxy;
            best.feature = f;
            best.threshold = midpoint(pairs[i].first, pairs[i + 1].first);
            best.left_weight = w_left;
            best.children_loss = loss_left[i] + loss_right[i];
        }
    }
    return best;
}

}  // namespace

template <class T>
Candidate exact_feature(Criterion criterion, const Columns<T>& data, const Limits& limits, const Sums& total, int f,
                        const row_t* rows, std::int64_t n, bool presorted, ExactScratch<T>& scratch) {
    sort_values(data, f, rows, n, presorted, scratch);
    switch (criterion) {
        case Criterion::gini: return scan_sorted<T, Gini>(data, limits, total, f, scratch);
        case Criterion::entropy: return scan_sorted<T, Entropy>(data, limits, total, f, scratch);
        case Criterion::squared_error: return scan_sorted<T, SquaredError>(data, limits, total, f, scratch);
        case Criterion::absolute_error: return scan_sorted_absolute<T>(data, limits, total, f, scratch);
    }
    return {};
}

template <class T>
std::pair<double, double> median_and_loss(const Columns<T>& data, const row_t* rows, std::int64_t n) {
    std::vector<std::pair<double, double>> items(static_cast<std::size_t>(n));
    double total = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        items[i] = {data.y[rows[i]], data.w[rows[i]]};
        total += items[i].second;
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const double half = 0.5 * total;
    double below = 0.0, median = items.empty() ? 0.0 : items.back().first;
    for (std::size_t i = 0; i < items.size(); ++i) {
        below += items[i].second;
        if (below >= half && items[i].second > 0.0) {
            median = items[i].first;
            if (below == half) {
                // Exactly half the weight up to here: the median is any value
                // up to the next one with weight; take the middle.
                for (std::size_t j = i + 1; j < items.size(); ++j) {
                    if (items[j].second > 0.0) {
                        median = 0.5 * (items[i].first + items[j].first);
                        break;
                    }
                }
            }
            break;
        }
    }
    double loss = 0.0;
    for (const auto& item : items) loss += item.second * std::fabs(item.first - median);
    return {median, loss};
}

template Candidate exact_feature<float>(Criterion, const Columns<float>&, const Limits&, const Sums&, int,
                                        const row_t*, std::int64_t, bool, ExactScratch<float>&);
template Candidate exact_feature<double>(Criterion, const Columns<double>&, const Limits&, const Sums&, int,
                                         const row_t*, std::int64_t, bool, ExactScratch<double>&);
template std::pair<double, double> median_and_loss<float>(const Columns<float>&, const row_t*, std::int64_t);
template std::pair<double, double> median_and_loss<double>(const Columns<double>&, const row_t*, std::int64_t);

}  // namespace zoo::tree::detail
