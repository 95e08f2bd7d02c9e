// Traversals of a fitted tree: the leaf of each row, and the path to it.
#include <algorithm>
#include <stdexcept>

#include "zoo/parallel.hpp"
#include "zoo/tree.hpp"

namespace zoo::tree {

namespace {

// Comparing in double: a float32-fitted tree's thresholds are float32
// values, so float32 inputs split exactly as they did in training.
template <class T>
inline std::int64_t next_node(const TreeView& tree, const T* row, std::int64_t node) {
    return static_cast<double>(row[tree.feature[node]]) <= tree.threshold[node] ? tree.children_left[node]
                                                                               : tree.children_right[node];
}

// The arrays come from Python, possibly edited: check every link once so a
// traversal can neither leave the arrays nor loop.
void check_tree(const TreeView& tree, std::int64_t d) {
    if (tree.node_count < 1) throw std::invalid_argument("the tree has no nodes");
    for (std::int64_t node = 0; node < tree.node_count; ++node) {
        const std::int64_t left = tree.children_left[node], right = tree.children_right[node];
        if (left == -1 && right == -1) continue;
        if (left <= node || right <= node || left >= tree.node_count || right >= tree.node_count)
            throw std::invalid_argument("children_left/children_right must point to later nodes or be -1");
        if (tree.feature[node] < 0 || tree.feature[node] >= d)
            throw std::invalid_argument("a split node's feature is outside [0, n_features)");
    }
}

}  // namespace

template <class T>
void apply_tree(const TreeView& tree, const T* x, std::int64_t n, std::int64_t d, std::int64_t* leaves,
                int n_threads) {
    check_tree(tree, d);
    constexpr std::int64_t block = 1024;
    // A descent is a chain of dependent loads: a few hundred cycles per row.
    constexpr std::int64_t kRowCost = 256;
    parallel_chunks(ceil_div(n, block), team_size(kRowCost * n, n_threads), [&](std::int64_t chunk, int) {
        const std::int64_t end = std::min(n, (chunk + 1) * block);
        for (std::int64_t i = chunk * block; i < end; ++i) {
            const T* row = x + i * d;
            std::int64_t node = 0;
            while (tree.children_left[node] != -1) node = next_node(tree, row, node);
            leaves[i] = node;
        }
    });
}

template <class T>
void decision_path(const TreeView& tree, const T* x, std::int64_t n, std::int64_t d,
                   std::vector<std::int64_t>& indptr, std::vector<std::int64_t>& indices) {
    check_tree(tree, d);
    indptr.assign(1, 0);
    indices.clear();
    for (std::int64_t i = 0; i < n; ++i) {
        const T* row = x + i * d;
        std::int64_t node = 0;
        indices.push_back(node);
        while (tree.children_left[node] != -1) {
            node = next_node(tree, row, node);
            indices.push_back(node);
        }
        indptr.push_back(static_cast<std::int64_t>(indices.size()));
    }
}

template void apply_tree<float>(const TreeView&, const float*, std::int64_t, std::int64_t, std::int64_t*, int);
template void apply_tree<double>(const TreeView&, const double*, std::int64_t, std::int64_t, std::int64_t*, int);
template void decision_path<float>(const TreeView&, const float*, std::int64_t, std::int64_t,
                                   std::vector<std::int64_t>&, std::vector<std::int64_t>&);
template void decision_path<double>(const TreeView&, const double*, std::int64_t, std::int64_t,
                                    std::vector<std::int64_t>&, std::vector<std::int64_t>&);

}  // namespace zoo::tree
