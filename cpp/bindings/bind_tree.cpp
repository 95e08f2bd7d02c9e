// pybind11 glue for decision trees: argument checks, GIL release, and the
// fitted tree's vectors handed to NumPy without copies.
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "zoo/tree.hpp"

namespace zoo::bindings {

namespace {

// A NumPy array that takes over a vector's buffer.
template <class V>
py::array_t<V> adopt(std::vector<V>&& values, std::vector<py::ssize_t> shape) {
    auto* owned = new std::vector<V>(std::move(values));
    py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<V>*>(p); });
    return py::array_t<V>(shape, owned->data(), owner);
}

tree::Criterion criterion_of(const std::string& name) {
    if (name == "gini") return tree::Criterion::gini;
    if (name == "entropy") return tree::Criterion::entropy;
    if (name == "squared_error") return tree::Criterion::squared_error;
    if (name == "absolute_error") return tree::Criterion::absolute_error;
    throw std::invalid_argument("criterion must be 'gini', 'entropy', 'squared_error' or 'absolute_error', got '" +
                                name + "'");
}

tree::TreeView view_of(const In<std::int64_t>& left, const In<std::int64_t>& right, const In<std::int64_t>& feature,
                       const In<double>& threshold) {
    require(left.ndim() == 1, "children_left must be 1-D");
    require_shape(right, "children_right", {left.shape(0)});
    require_shape(feature, "feature", {left.shape(0)});
    require_shape(threshold, "threshold", {left.shape(0)});
    return {left.data(), right.data(), feature.data(), threshold.data(), static_cast<std::int64_t>(left.shape(0))};
}

template <class T>
void bind_tree_for(py::module_& m) {
    m.def(
        "tree_fit",
        [](In<T> x, In<std::int32_t> labels, In<double> y, In<double> weight, int n_classes,
           const std::string& criterion, bool histogram, int max_bins, std::int64_t histogram_min_node,
           int max_depth, std::int64_t min_samples_split, std::int64_t min_samples_leaf, double min_weight_leaf,
           int max_features, double min_impurity_decrease, std::int64_t max_leaf_nodes, std::uint64_t seed,
           int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0);
            require_shape(weight, "sample_weight", {n});
            tree::Params params;
            params.criterion = criterion_of(criterion);
            const bool classification =
                params.criterion == tree::Criterion::gini || params.criterion == tree::Criterion::entropy;
            if (classification) {
                require_shape(labels, "labels", {n});
                require(n_classes >= 1, "n_classes must be >= 1");
            } else {
                require_shape(y, "y", {n});
            }
            params.histogram = histogram;
            params.max_bins = max_bins;
            params.histogram_min_node = histogram_min_node;
            params.max_depth = max_depth;
            params.min_samples_split = min_samples_split;
            params.min_samples_leaf = min_samples_leaf;
            params.min_weight_leaf = min_weight_leaf;
            params.max_features = max_features;
            params.min_impurity_decrease = min_impurity_decrease;
            params.max_leaf_nodes = max_leaf_nodes;
            params.seed = seed;
            params.n_threads = n_threads;
            const tree::Data<T> data{x.data(),
                                     static_cast<std::int64_t>(n),
                                     static_cast<std::int64_t>(x.shape(1)),
                                     classification ? labels.data() : nullptr,
                                     classification ? nullptr : y.data(),
                                     weight.data(),
                                     classification ? n_classes : 0};
            tree::TreeArrays fitted;
            {
                py::gil_scoped_release release;
                fitted = tree::fit_tree(data, params, python_interrupt_check());
            }
            const auto nodes = static_cast<py::ssize_t>(fitted.feature.size());
            py::dict out;
            out["children_left"] = adopt(std::move(fitted.children_left), {nodes});
            out["children_right"] = adopt(std::move(fitted.children_right), {nodes});
            out["feature"] = adopt(std::move(fitted.feature), {nodes});
            out["threshold"] = adopt(std::move(fitted.threshold), {nodes});
            out["impurity"] = adopt(std::move(fitted.impurity), {nodes});
            out["n_node_samples"] = adopt(std::move(fitted.n_node_samples), {nodes});
            out["weighted_n_node_samples"] = adopt(std::move(fitted.weighted_n_node_samples), {nodes});
            out["value"] = adopt(std::move(fitted.value), {nodes, static_cast<py::ssize_t>(fitted.n_values)});
            out["max_depth"] = fitted.max_depth;
            return out;
        },
        py::arg("X"), py::arg("labels"), py::arg("y"), py::arg("sample_weight"), py::arg("n_classes"),
        py::arg("criterion"), py::arg("histogram"), py::arg("max_bins"), py::arg("histogram_min_node"),
        py::arg("max_depth"), py::arg("min_samples_split"), py::arg("min_samples_leaf"),
        py::arg("min_weight_leaf"), py::arg("max_features"), py::arg("min_impurity_decrease"),
        py::arg("max_leaf_nodes"), py::arg("seed"), py::arg("n_threads"),
        "Grows one tree; returns its flat arrays (a dict) and its depth.");

    m.def(
        "tree_apply",
        [](In<T> x, In<std::int64_t> left, In<std::int64_t> right, In<std::int64_t> feature, In<double> threshold,
           int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const tree::TreeView view = view_of(left, right, feature, threshold);
            py::array_t<std::int64_t> leaves(x.shape(0));
            std::int64_t* out = leaves.mutable_data();
            {
                py::gil_scoped_release release;
                tree::apply_tree(view, x.data(), x.shape(0), x.shape(1), out, n_threads);
            }
            return leaves;
        },
        py::arg("X"), py::arg("children_left"), py::arg("children_right"), py::arg("feature"), py::arg("threshold"),
        py::arg("n_threads"), "Index of the leaf each row of X reaches.");

    m.def(
        "tree_decision_path",
        [](In<T> x, In<std::int64_t> left, In<std::int64_t> right, In<std::int64_t> feature, In<double> threshold) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const tree::TreeView view = view_of(left, right, feature, threshold);
            std::vector<std::int64_t> indptr, indices;
            {
                py::gil_scoped_release release;
                tree::decision_path(view, x.data(), x.shape(0), x.shape(1), indptr, indices);
            }
            const auto n_ptr = static_cast<py::ssize_t>(indptr.size());
            const auto n_idx = static_cast<py::ssize_t>(indices.size());
            return py::make_tuple(adopt(std::move(indptr), {n_ptr}), adopt(std::move(indices), {n_idx}));
        },
        py::arg("X"), py::arg("children_left"), py::arg("children_right"), py::arg("feature"), py::arg("threshold"),
        "Nodes each row of X visits, as CSR (indptr, indices).");
}

}  // namespace

void bind_tree(py::module_& m) {
    bind_tree_for<float>(m);
    bind_tree_for<double>(m);
}

}  // namespace zoo::bindings
