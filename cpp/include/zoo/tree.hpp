// Decision trees (CART, Breiman et al. 1984): one fit over caller-owned
// training arrays that returns the tree as flat arrays, and the traversals
// that predict with them. Python owns the fitted arrays; nothing here keeps
// state between calls.
#pragma once

#include <cstdint>
#include <vector>

#include "zoo/interrupt.hpp"

namespace zoo::tree {

enum class Criterion { gini, entropy, squared_error, absolute_error };

// Everything a fit needs besides the data; Python resolves defaults ("sqrt",
// None, fractions) to these plain numbers.
struct Params {
    Criterion criterion = Criterion::gini;
    bool histogram = false;             // split on binned features at large nodes
    int max_bins = 256;                 // at most 256: bin codes are uint8
    std::int64_t histogram_min_node = 0;  // nodes smaller than this split exactly
    int max_depth = -1;                 // -1: unlimited
    std::int64_t min_samples_split = 2;
    std::int64_t min_samples_leaf = 1;
    double min_weight_leaf = 0.0;       // absolute weight, not a fraction
    int max_features = 0;               // features drawn per node; 0: all
    double min_impurity_decrease = 0.0;
    std::int64_t max_leaf_nodes = -1;   // -1: depth-first, unlimited; else best-first
    std::uint64_t seed = 0;
    int n_threads = 1;
};

// The training data: X row-major (n x d), targets and weights per row.
// Classification reads `labels` (class indices in [0, n_classes)),
// regression reads `y`.
template <class T>
struct Data {
    const T* x;
    std::int64_t n_samples;
    std::int64_t n_features;
    const std::int32_t* labels;
    const double* y;
    const double* weight;
    int n_classes;  // 0 for regression
};

// A fitted tree as parallel arrays, nodes in the order they were created
// (depth-first preorder, or creation order for best-first growth). Leaves
// have children -1, feature -2 and threshold -2. `value` holds n_values per
// node: class fractions for classification, the prediction for regression.
struct TreeArrays {
    std::vector<std::int64_t> children_left, children_right, feature, n_node_samples;
    std::vector<double> threshold, impurity, weighted_n_node_samples, value;
    int n_values = 0;
    int max_depth = 0;
};

// `interrupt` is polled between nodes (and between slices of the presort),
// so that Ctrl-C stops a long build within a fraction of a second.
template <class T>
TreeArrays fit_tree(const Data<T>& data, const Params& params, const InterruptCheck& interrupt = {});

// The flat tree as prediction reads it.
struct TreeView {
    const std::int64_t* children_left;
    const std::int64_t* children_right;
    const std::int64_t* feature;
    const double* threshold;
    std::int64_t node_count;
};

// Leaf reached by each row of X (row-major n x d): x[feature] <= threshold goes left.
template <class T>
void apply_tree(const TreeView& tree, const T* x, std::int64_t n, std::int64_t d, std::int64_t* leaves,
                int n_threads);

// Nodes visited by each row, CSR style: row i's nodes are
// indices[indptr[i] : indptr[i + 1]], root first.
template <class T>
void decision_path(const TreeView& tree, const T* x, std::int64_t n, std::int64_t d,
                   std::vector<std::int64_t>& indptr, std::vector<std::int64_t>& indices);

}  // namespace zoo::tree
