// pybind11 glue for DBSCAN clustering: shape checks, GIL release, nothing else.
#include <string>

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
}

}  // namespace zoo::bindings
