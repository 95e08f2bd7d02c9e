// pybind11 glue for the exact k-nearest-neighbour search: shape checks, GIL
// release, nothing else.
#include "bindings.hpp"
#include "zoo/neighbors.hpp"

namespace zoo::bindings {

void bind_neighbors(py::module_& m) {
    m.def(
        "knn_brute",
        [](In<double> points, In<std::int64_t> queries, std::int64_t k, std::int64_t block_rows, int n_threads) {
            require(points.ndim() == 2, "points must be a 2-D array");
            require(queries.ndim() == 1, "queries must be a 1-D array of row indices");
            const py::ssize_t n_queries = queries.shape(0);
            py::array_t<std::int64_t> neighbors({n_queries, static_cast<py::ssize_t>(k > 0 ? k : 0)});
            std::int64_t* out = neighbors.mutable_data();
            {
                py::gil_scoped_release release;
                neighbors::knn_brute(points.data(), points.shape(0), points.shape(1), queries.data(), n_queries, k,
                                     block_rows, n_threads, out, python_interrupt_check());
            }
            return neighbors;
        },
        py::arg("points"), py::arg("queries"), py::arg("k"), py::arg("block_rows"), py::arg("n_threads"),
        "Indices (n_queries, k) of each query row's k nearest other rows, nearest first, ties by lower index; "
        "block_rows=0 sizes the query blocks automatically.");
}

}  // namespace zoo::bindings
