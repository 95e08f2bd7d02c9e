// Growing the tree: depth-first (preorder node ids, as scikit-learn numbers
// them) or, with max_leaf_nodes, best-first by impurity decrease. Each node
// owns a range of one row-index array, partitioned in place when it splits.
// Large nodes split on histograms (the smaller child's built from its rows,
// the larger one's by subtraction from the parent's); small nodes sort their
// raw values, which is both cheaper there and exact.
#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <queue>
#include <stdexcept>

#include "zoo/parallel.hpp"
#include "zoo/rng.hpp"
#include "tree_detail.hpp"

namespace zoo::tree {

namespace {

using detail::Candidate;
using detail::Columns;
using detail::row_t;
using detail::Sums;

// Below this many (row, feature) pairs, a node's split search runs on one
// thread: a parallel region costs microseconds, and the deep small nodes,
// which dominate the node count, would pay it many thousands of times.
// Operations per (row, feature) pair of a split search or a partition, and per
// value of a column sort, for parallel.hpp's rule on team sizes.
constexpr std::int64_t kPairCost = 16;
constexpr std::int64_t kSortCost = 64;

// Impurity at or below this counts as pure: such a node is not split.
constexpr double kPure = std::numeric_limits<double>::epsilon();

struct Node {
    std::int64_t start = 0, end = 0;
    int depth = 0;
    std::int64_t parent = -1;
    bool is_left = false;
    Sums sums;
    double impurity = 0.0;
    double value_median = 0.0;  // absolute error: the leaf value
    Candidate split;            // invalid: the node is a leaf
    double improvement = 0.0;
    int hist = -1;          // slot in the histogram pool, or -1
    std::int64_t id = -1;   // best-first: assigned at creation
    std::int64_t n() const { return end - start; }
};

template <class T>
class Builder {
public:
    Builder(const Data<T>& data, const Params& params, const InterruptCheck& interrupt)
        : params_(params), interrupt_(interrupt) {
        if (data.n_samples < 1 || data.n_features < 1) throw std::invalid_argument("X must not be empty");
        if (data.n_samples >= INT32_MAX) throw std::invalid_argument("a tree takes fewer than 2**31 - 1 samples");
        if (params.max_bins < 2 || params.max_bins > 256) throw std::invalid_argument("max_bins must be in [2, 256]");
        if (params.min_samples_leaf < 1) throw std::invalid_argument("min_samples_leaf must be >= 1");
        if (params.min_samples_split < 2) throw std::invalid_argument("min_samples_split must be >= 2");
        if (params.max_depth == 0 || params.max_depth < -1) throw std::invalid_argument("max_depth must be >= 1");
        if (params.max_leaf_nodes != -1 && params.max_leaf_nodes < 2)
            throw std::invalid_argument("max_leaf_nodes must be >= 2");
        if (params.max_features < 0 || params.max_features > data.n_features)
            throw std::invalid_argument("max_features must be in [1, n_features]");
        checked_threads(params.n_threads);
        const bool classification = params.criterion == Criterion::gini || params.criterion == Criterion::entropy;
        if (classification && (data.labels == nullptr || data.n_classes < 1))
            throw std::invalid_argument("a classification criterion needs class labels");
        if (!classification && data.y == nullptr) throw std::invalid_argument("a regression criterion needs y");

        cols_.n = data.n_samples;
        cols_.d = data.n_features;
        cols_.labels = classification ? data.labels : nullptr;
        cols_.y = classification ? nullptr : data.y;
        cols_.w = data.weight;
        cols_.n_stats = classification ? data.n_classes : 3;
        if (classification) {
            for (std::int64_t i = 0; i < cols_.n; ++i) {
                if (data.labels[i] < 0 || data.labels[i] >= data.n_classes)
                    throw std::invalid_argument("class labels must be in [0, n_classes)");
            }
        }
        for (std::int64_t i = 0; i < cols_.n; ++i) {
            if (!(data.weight[i] >= 0.0)) throw std::invalid_argument("sample weights must be non-negative");
        }
        transpose(data);
        interrupt_.poll();
        n_features_to_draw_ = params.max_features == 0 ? static_cast<int>(cols_.d) : params.max_features;
        use_histograms_ = params.histogram && params.criterion != Criterion::absolute_error;
        if (use_histograms_)
            bins_ = detail::bin_features(cols_, params.max_bins, params.n_threads, [this] { interrupt_.poll(); });
        // Measured on the 150,000-sample benchmark set: presorted lists made the
        // exact builder 2.4x faster, but the histogram builder 1.4x slower
        // (partitioning 20 lists per split costs more than its small nodes'
        // sorts), so only the exact builder keeps them.
        presorted_ = !use_histograms_;
        if (presorted_) presort();
        hist_size_ = use_histograms_ ? bins_.total_bins * detail::histogram_stride(cols_.n_stats) : 0;
        max_depth_ = params.max_depth < 0 ? INT_MAX : params.max_depth;
        scratch_.resize(params.n_threads);
        features_.resize(cols_.d);
        std::iota(features_.begin(), features_.end(), 0);
    }

    TreeArrays build() {
        rows_.resize(cols_.n);
        std::iota(rows_.begin(), rows_.end(), 0);
        partition_buffer_.resize(cols_.n);
        out_.n_values = cols_.labels != nullptr ? cols_.n_stats : 1;

        Node root;
        root.start = 0;
        root.end = cols_.n;
        root.sums = detail::sums_of(cols_, rows_.data(), cols_.n);
        total_weight_ = root.sums.weight;
        if (!(total_weight_ > 0.0)) throw std::invalid_argument("sample weights must not all be zero");
        if (use_histograms_ && root.n() >= params_.histogram_min_node) {
            root.hist = acquire_hist();
            detail::build_histogram(cols_, bins_, rows_.data(), cols_.n, hist_pool_[root.hist].data(),
                                    params_.n_threads);
        }
        interrupt_.poll();
        if (params_.max_leaf_nodes < 0) {
            depth_first(std::move(root));
        } else {
            best_first(std::move(root));
        }
        return std::move(out_);
    }

private:
    void transpose(const Data<T>& data) {
        cols_.x.resize(static_cast<std::size_t>(cols_.n * cols_.d));
        const std::int64_t n = cols_.n, d = cols_.d;
        constexpr std::int64_t block = 256;
        parallel_chunks(ceil_div(n, block), team_size(n * d, params_.n_threads), [&](std::int64_t chunk, int) {
            const std::int64_t end = std::min(n, (chunk + 1) * block);
            bool finite = true;
            for (std::int64_t i = chunk * block; i < end; ++i) {
                for (std::int64_t f = 0; f < d; ++f) {
                    const T value = data.x[i * d + f];
                    finite &= std::isfinite(value);
                    cols_.x[f * n + i] = value;
                }
            }
            // Sorting NaN would break the comparisons the splitters rely on.
            if (!finite) throw std::invalid_argument("X must not contain NaN or infinity");
        });
    }

    // ------------------------------------------------------ histograms
    int acquire_hist() {
        if (!free_hists_.empty()) {
            const int slot = free_hists_.back();
            free_hists_.pop_back();
            return slot;
        }
        hist_pool_.emplace_back(static_cast<std::size_t>(hist_size_));
        return static_cast<int>(hist_pool_.size()) - 1;
    }
    void release_hist(Node& node) {
        if (node.hist >= 0) free_hists_.push_back(node.hist);
        node.hist = -1;
    }

    // --------------------------------------------------- node evaluation
    // Impurity, value and (unless a stopping rule applies) best split of a
    // freshly created node.
    void evaluate(Node& node) {
        const row_t* rows = rows_.data() + node.start;
        const std::int64_t n = node.n();
        const int k = cols_.n_stats;
        const double w = node.sums.weight;
        switch (params_.criterion) {
            case Criterion::gini: node.impurity = detail::Gini::impurity(node.sums.s.data(), k, w); break;
            case Criterion::entropy: node.impurity = detail::Entropy::impurity(node.sums.s.data(), k, w); break;
            case Criterion::squared_error:
                node.impurity = detail::SquaredError::impurity(node.sums.s.data(), k, w);
                break;
            case Criterion::absolute_error: {
                const auto [median, loss] = detail::median_and_loss(cols_, rows, n);
                node.value_median = median;
                node.impurity = w > 0.0 ? loss / w : 0.0;
                break;
            }
        }
        const bool leaf = node.depth >= max_depth_ || n < params_.min_samples_split ||
                          n < 2 * params_.min_samples_leaf || w < 2.0 * params_.min_weight_leaf ||
                          node.impurity <= kPure;
        if (!leaf) find_split(node);
        if (node.split.valid()) {
            // Weighted impurity decrease, as a fraction of the total weight.
            node.improvement = (w * node.impurity - node.split.children_loss) / total_weight_;
            if (node.improvement + kPure < params_.min_impurity_decrease) node.split = Candidate{};
        }
        if (!node.split.valid()) release_hist(node);
    }

    // Draws the node's candidate features (all of them, or max_features in
    // random order) and keeps the best split; when a whole draw of features
    // is constant on the node, draws the next ones.
    void find_split(Node& node) {
        const int d = static_cast<int>(cols_.d);
        const bool sampled = n_features_to_draw_ < d;
        if (sampled) {
            for (int i = d - 1; i > 0; --i) std::swap(features_[i], features_[rng_.below(i + 1)]);
        }
        Candidate best;
        for (int first = 0; first < d && !best.valid(); first += n_features_to_draw_) {
            const int count = std::min(n_features_to_draw_, d - first);
            std::vector<int> batch(features_.begin() + first, features_.begin() + first + count);
            // Reducing in feature order makes the tie rule independent of the draw order.
            std::sort(batch.begin(), batch.end());
            std::vector<Candidate> found(count);
            const bool use_hist = node.hist >= 0;
            const std::int64_t work = node.n() * count;
            const int threads = team_size(kPairCost * work, params_.n_threads);
            const double* hist = use_hist ? hist_pool_[node.hist].data() : nullptr;
            const row_t* rows = rows_.data() + node.start;
            parallel_chunks(count, threads, [&](std::int64_t j, int thread) {
                found[j] = use_hist ? detail::histogram_feature(params_.criterion, cols_, bins_, limits(), node.sums,
                                                                batch[j], hist)
                                    : detail::exact_feature(params_.criterion, cols_, limits(), node.sums, batch[j],
                                                            presorted_ ? sorted_rows(batch[j]) + node.start : rows,
                                                            node.n(), presorted_, scratch_[thread]);
            });
            for (auto& candidate : found) detail::keep_better(best, std::move(candidate));
            if (!sampled) break;
        }
        node.split = std::move(best);
    }

    row_t* sorted_rows(std::int64_t f) { return sorted_.data() + f * cols_.n; }

    // Without histograms, every feature's row indices are sorted once by
    // value (equal values by row), and each split partitions these lists
    // stably, so that a node finds its rows in order without sorting:
    // O(rows x features) per tree level instead of O(rows log rows x features).
    void presort() {
        const std::int64_t n = cols_.n;
        sorted_.resize(static_cast<std::size_t>(n * cols_.d));
        goes_left_.resize(n);
        // One feature per thread at a time, polling for Ctrl-C in between:
        // sorting every column of a large X takes seconds.
        const int threads = team_size(kSortCost * n * cols_.d, params_.n_threads);
        in_slices(cols_.d, std::int64_t{threads}, [this] { interrupt_.poll(); }, [&](std::int64_t first, std::int64_t last) {
            parallel_chunks(last - first, threads, [&](std::int64_t j, int) {
                row_t* order = sorted_rows(first + j);
                std::iota(order, order + n, 0);
                const T* column = cols_.column(first + j);
                std::stable_sort(order, order + n, [column](row_t a, row_t b) { return column[a] < column[b]; });
            });
        });
        partition_scratch_.resize(params_.n_threads);
    }

    // Stable partition of each feature's sorted rows of the node, by goes_left_.
    void partition_sorted(const Node& node, std::int64_t n_left) {
        const std::int64_t n = node.n();
        const int threads = team_size(kPairCost * n * cols_.d, params_.n_threads);
        parallel_chunks(cols_.d, threads, [&](std::int64_t f, int thread) {
            row_t* order = sorted_rows(f) + node.start;
            auto& right = partition_scratch_[thread];
            right.resize(static_cast<std::size_t>(n - n_left));
            std::int64_t l = 0, r = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                const row_t row = order[i];
                if (goes_left_[row]) {
                    order[l++] = row;
                } else {
                    right[r++] = row;
                }
            }
            std::copy(right.begin(), right.begin() + r, order + l);
        });
    }

    detail::Limits limits() const { return {params_.min_samples_leaf, params_.min_weight_leaf}; }

    // ------------------------------------------------------ expansion
    // Stable partition of the node's rows by its split (rows stay ascending
    // in each child), the children's sums on the way, then their histograms.
    std::pair<Node, Node> split_node(Node& node) {
        const std::int64_t n = node.n();
        row_t* rows = rows_.data() + node.start;
        const T* column = cols_.column(node.split.feature);
        const double threshold = node.split.threshold;
        std::int64_t n_left = 0, n_right = 0;
        row_t* right_rows = partition_buffer_.data();
        for (std::int64_t i = 0; i < n; ++i) {
            const row_t row = rows[i];
            const bool left = static_cast<double>(column[row]) <= threshold;
            if (presorted_) goes_left_[row] = left;
            if (left) {
                rows[n_left++] = row;
            } else {
                right_rows[n_right++] = row;
            }
        }
        std::copy(right_rows, right_rows + n_right, rows + n_left);
        if (presorted_) partition_sorted(node, n_left);

        Node left, right;
        left.start = node.start;
        left.end = left.start + n_left;
        right.start = left.end;
        right.end = node.end;
        for (Node* child : {&left, &right}) {
            child->depth = node.depth + 1;
            child->sums = detail::sums_of(cols_, rows_.data() + child->start, child->n());
        }
        left.is_left = true;

        const auto needs_hist = [&](const Node& child) {
            return use_histograms_ && child.n() >= params_.histogram_min_node && child.depth < max_depth_;
        };
        if (needs_hist(left) || needs_hist(right)) {
            Node& small = left.n() <= right.n() ? left : right;
            Node& large = left.n() <= right.n() ? right : left;
            small.hist = acquire_hist();
            double* small_hist = hist_pool_[small.hist].data();
            detail::build_histogram(cols_, bins_, rows_.data() + small.start, small.n(), small_hist,
                                    params_.n_threads);
            if (needs_hist(large)) {
                if (node.hist >= 0) {
                    // The parent's histogram minus the smaller child's is the larger child's.
                    large.hist = node.hist;
                    node.hist = -1;
                    double* large_hist = hist_pool_[large.hist].data();
                    for (std::int64_t i = 0; i < hist_size_; ++i) large_hist[i] -= small_hist[i];
                } else {
                    large.hist = acquire_hist();
                    detail::build_histogram(cols_, bins_, rows_.data() + large.start, large.n(),
                                            hist_pool_[large.hist].data(), params_.n_threads);
                }
            }
            if (!needs_hist(small)) release_hist(small);
        }
        release_hist(node);
        return {std::move(left), std::move(right)};
    }

    // -------------------------------------------------------- output
    // Appends the node; `as_leaf` records it without its split (best-first
    // growth decides later whether a frontier node splits).
    std::int64_t add_node(const Node& node, bool as_leaf) {
        const std::int64_t id = static_cast<std::int64_t>(out_.feature.size());
        const bool leaf = as_leaf || !node.split.valid();
        out_.children_left.push_back(-1);
        out_.children_right.push_back(-1);
        out_.feature.push_back(leaf ? -2 : node.split.feature);
        out_.threshold.push_back(leaf ? -2.0 : node.split.threshold);
        out_.impurity.push_back(node.impurity);
        out_.n_node_samples.push_back(node.n());
        out_.weighted_n_node_samples.push_back(node.sums.weight);
        const double w = node.sums.weight;
        switch (params_.criterion) {
            case Criterion::gini:
            case Criterion::entropy:
                for (int c = 0; c < cols_.n_stats; ++c) out_.value.push_back(w > 0.0 ? node.sums.s[c] / w : 0.0);
                break;
            case Criterion::squared_error: out_.value.push_back(w > 0.0 ? node.sums.s[1] / w : 0.0); break;
            case Criterion::absolute_error: out_.value.push_back(node.value_median); break;
        }
        if (node.parent >= 0) {
            (node.is_left ? out_.children_left : out_.children_right)[node.parent] = id;
        }
        out_.max_depth = std::max(out_.max_depth, node.depth);
        return id;
    }

    void depth_first(Node root) {
        evaluate(root);
        std::vector<Node> stack;
        stack.push_back(std::move(root));
        while (!stack.empty()) {
            interrupt_.poll();
            Node node = std::move(stack.back());
            stack.pop_back();
            const std::int64_t id = add_node(node, false);
            if (!node.split.valid()) continue;
            auto [left, right] = split_node(node);
            left.parent = right.parent = id;
            evaluate(left);
            evaluate(right);
            // Right below left on the stack: the left subtree is numbered first.
            stack.push_back(std::move(right));
            stack.push_back(std::move(left));
        }
    }

    void best_first(Node root) {
        // Frontier ordered by improvement; ties go to the node created first.
        struct Entry {
            double improvement;
            std::int64_t id;
            std::size_t slot;
            bool operator<(const Entry& other) const {
                return improvement < other.improvement || (improvement == other.improvement && id > other.id);
            }
        };
        std::vector<Node> nodes;
        std::priority_queue<Entry> frontier;
        const auto push = [&](Node&& node) {
            evaluate(node);
            node.id = add_node(node, true);
            if (node.split.valid()) {
                // Holding every frontier node's histogram could take a lot of
                // memory; past a budget, children are built from rows instead.
                if (node.hist >= 0 && hist_pool_.size() * hist_size_ * sizeof(double) > kHistBudgetBytes)
                    release_hist(node);
                frontier.push({node.improvement, node.id, nodes.size()});
                nodes.push_back(std::move(node));
            }
        };
        push(std::move(root));
        std::int64_t leaves = 1;
        while (!frontier.empty() && leaves < params_.max_leaf_nodes) {
            interrupt_.poll();
            const Entry top = frontier.top();
            frontier.pop();
            Node node = std::move(nodes[top.slot]);
            out_.feature[node.id] = node.split.feature;
            out_.threshold[node.id] = node.split.threshold;
            auto [left, right] = split_node(node);
            left.parent = right.parent = node.id;
            push(std::move(left));
            push(std::move(right));
            ++leaves;
        }
        // Frontier nodes left unsplit stay leaves, as add_node recorded them.
    }

    static constexpr std::size_t kHistBudgetBytes = std::size_t(512) << 20;

    Params params_;
    InterruptPoll interrupt_;
    Columns<T> cols_;
    detail::Bins<T> bins_;
    bool use_histograms_ = false;
    bool presorted_ = false;
    std::vector<row_t> sorted_;                // d x n, see presort()
    std::vector<std::uint8_t> goes_left_;      // per row, for the split being applied
    std::vector<std::vector<row_t>> partition_scratch_;
    std::int64_t hist_size_ = 0;
    int max_depth_ = INT_MAX;
    int n_features_to_draw_ = 0;
    double total_weight_ = 0.0;
    std::vector<row_t> rows_, partition_buffer_;
    std::vector<std::vector<double>> hist_pool_;
    std::vector<int> free_hists_;
    std::vector<detail::ExactScratch<T>> scratch_;
    std::vector<int> features_;
    Rng rng_{params_.seed};
    TreeArrays out_;
};

}  // namespace

template <class T>
TreeArrays fit_tree(const Data<T>& data, const Params& params, const InterruptCheck& interrupt) {
    Builder<T> builder(data, params, interrupt);
    return builder.build();
}

template TreeArrays fit_tree<float>(const Data<float>&, const Params&, const InterruptCheck&);
template TreeArrays fit_tree<double>(const Data<double>&, const Params&, const InterruptCheck&);

}  // namespace zoo::tree
