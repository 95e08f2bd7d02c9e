// pybind11 glue for the exact k-nearest-neighbour search: shape checks, GIL
// release, nothing else.
#include "bindings.hpp"
#include "zoo/neighbors.hpp"

namespace zoo::bindings {

namespace {

template <class T>
void bind_interpolate(py::module_& m) {
    m.def(
        "smote_interpolate",
        [](In<T> samples, In<std::int64_t> start, In<std::int64_t> end, In<double> step, Out<T> out, int n_threads) {
            require(samples.ndim() == 2, "samples must be a 2-D array");
            const py::ssize_t n_new = start.ndim() == 1 ? start.shape(0) : -1;
            require(n_new >= 0, "start must be a 1-D array of row indices");
            require_shape(end, "end", {n_new});
            require_shape(step, "step", {n_new});
            require_shape(out, "out", {n_new, samples.shape(1)});
            require_writable(out, "out");
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                neighbors::smote_interpolate(samples.data(), samples.shape(0), samples.shape(1), start.data(),
                                             end.data(), step.data(), n_new, target, n_threads);
            }
        },
        py::arg("samples"), py::arg("start"), py::arg("end"), py::arg("step"), py::arg("out").noconvert(),
        py::arg("n_threads"),
        "Writes samples[start] + step * (samples[end] - samples[start]) into out (rows), in out's float type.");
}

}  // namespace

void bind_neighbors(py::module_& m) {
    // float64 first: a float32 `out` does not convert, so it falls through to the float32 overload.
    bind_interpolate<double>(m);
    bind_interpolate<float>(m);
    m.def(
        "knn_brute",
        [](In<double> points, In<std::int64_t> queries, std::int64_t k, std::int64_t block_rows, std::int64_t block_cols,
           int n_threads) {
            require(points.ndim() == 2, "points must be a 2-D array");
            require(queries.ndim() == 1, "queries must be a 1-D array of row indices");
            const py::ssize_t n_queries = queries.shape(0);
            py::array_t<std::int64_t> neighbors({n_queries, static_cast<py::ssize_t>(k > 0 ? k : 0)});
            std::int64_t* out = neighbors.mutable_data();
            {
                py::gil_scoped_release release;
                neighbors::knn_brute(points.data(), points.shape(0), points.shape(1), queries.data(), n_queries, k,
                                     block_rows, block_cols, n_threads, out, python_interrupt_check());
            }
            return neighbors;
        },
        py::arg("points"), py::arg("queries"), py::arg("k"), py::arg("block_rows"), py::arg("block_cols"),
        py::arg("n_threads"),
        "Indices (n_queries, k) of each query row's k nearest other rows, nearest first, ties by lower index; "
        "a tile of block_rows queries by block_cols points, 0 = automatic (the result does not depend on it).");
}

}  // namespace zoo::bindings
