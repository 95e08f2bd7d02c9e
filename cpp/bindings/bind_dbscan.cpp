// pybind11 glue for DBSCAN clustering: shape checks, GIL release, nothing else.
#include <optional>
#include <string>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "zoo/dbscan.hpp"

namespace zoo::bindings {

namespace {

cluster::DbscanMetric metric_of(const std::string& name) {
    if (name == "euclidean") return cluster::DbscanMetric::euclidean;
    if (name == "manhattan") return cluster::DbscanMetric::manhattan;
    if (name == "chebyshev") return cluster::DbscanMetric::chebyshev;
    throw std::invalid_argument("metric must be 'euclidean', 'manhattan' or 'chebyshev', got '" + name + "'");
}

cluster::DbscanAlgorithm algorithm_of(const std::string& name) {
    if (name == "auto") return cluster::DbscanAlgorithm::automatic;
    if (name == "grid") return cluster::DbscanAlgorithm::grid;
    if (name == "kd_tree") return cluster::DbscanAlgorithm::kd_tree;
    if (name == "brute") return cluster::DbscanAlgorithm::brute;
    throw std::invalid_argument("algorithm must be 'auto', 'grid', 'kd_tree' or 'brute', got '" + name + "'");
}

}  // namespace

void bind_dbscan(py::module_& m) {
    m.def(
        "dbscan_fit",
        [](In<double> x, In<double> weight, double eps, double min_samples, const std::string& metric,
           const std::string& algorithm, int leaf_size, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            require_shape(weight, "sample_weight", {x.shape(0)});
            const cluster::DbscanProblem problem{x.data(),    weight.data(),     x.shape(0), x.shape(1),
                                                 eps,         min_samples,       metric_of(metric),
                                                 leaf_size};
            const cluster::DbscanAlgorithm chosen = algorithm_of(algorithm);
            py::array_t<std::uint8_t> is_core(x.shape(0));
            py::array_t<std::int64_t> labels(x.shape(0));
            std::uint8_t* core_out = is_core.mutable_data();
            std::int64_t* labels_out = labels.mutable_data();
            std::string used;
            {
                py::gil_scoped_release release;
                used = cluster::dbscan(problem, chosen, n_threads, core_out, labels_out, python_interrupt_check());
            }
            return py::make_tuple(is_core, labels, used);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("eps"), py::arg("min_samples"), py::arg("metric"),
        py::arg("algorithm"), py::arg("leaf_size"), py::arg("n_threads"),
        "DBSCAN: returns (is_core as uint8, labels as int64 with -1 for noise, the search used).");
    m.def(
        "dbscan_precomputed",
        [](In<double> distances, std::optional<In<std::int64_t>> indptr, std::optional<In<std::int64_t>> indices,
           In<double> weight, std::int64_t n, double eps, double min_samples, int n_threads) {
            require(indptr.has_value() == indices.has_value(), "indptr and indices must be given together");
            require_shape(weight, "sample_weight", {n});
            if (indptr) {
                require_shape(*indptr, "indptr", {n + 1});
                require_shape(*indices, "indices", {distances.size()});
            } else {
                require_shape(distances, "X", {n, n});
            }
            const cluster::DbscanGraph graph{indptr ? indptr->data() : nullptr, indices ? indices->data() : nullptr,
                                             distances.data(), weight.data(), n, eps, min_samples};
            py::array_t<std::uint8_t> is_core(n);
            py::array_t<std::int64_t> labels(n);
            std::uint8_t* core_out = is_core.mutable_data();
            std::int64_t* labels_out = labels.mutable_data();
            {
                py::gil_scoped_release release;
                cluster::dbscan_precomputed(graph, n_threads, core_out, labels_out, python_interrupt_check());
            }
            return py::make_tuple(is_core, labels);
        },
        py::arg("distances"), py::arg("indptr"), py::arg("indices"), py::arg("sample_weight"), py::arg("n"),
        py::arg("eps"), py::arg("min_samples"), py::arg("n_threads"),
        "DBSCAN on precomputed distances: a dense n x n matrix (indptr, indices None) or a CSR graph's "
        "data, indptr and indices. Returns (is_core as uint8, labels as int64).");
}

}  // namespace zoo::bindings
