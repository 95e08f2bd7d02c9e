// pybind11 glue for column statistics.
#include "bindings.hpp"
#include "zoo/stats.hpp"

namespace zoo::bindings {

namespace {

template <class T>
void bind_for(py::module_& m) {
    m.def(
        "center_columns",
        [](In<T> x, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            Out<T> centered({n, d});
            py::array_t<double> mean(d), variance(d);
            T* out = centered.mutable_data();
            double* mean_out = mean.mutable_data();
            double* variance_out = variance.mutable_data();
            {
                py::gil_scoped_release release;
                stats::center_columns(x.data(), n, d, out, mean_out, variance_out, n_threads);
            }
            return py::make_tuple(centered, mean, variance);
        },
        py::arg("X"), py::arg("n_threads"),
        "Returns (X - column means, column means, column variances); statistics in float64.");
}

}  // namespace

void bind_stats(py::module_& m) {
    bind_for<float>(m);
    bind_for<double>(m);
}

}  // namespace zoo::bindings
