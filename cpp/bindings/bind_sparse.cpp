// pybind11 glue for the CSR kernels (zoo/sparse.hpp): checks, GIL release.
#include <optional>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "zoo/sparse.hpp"

namespace zoo::bindings {

void bind_sparse(py::module_& m) {
    m.def(
        "csr_times_dense",
        [](In<double> data, In<std::int64_t> indices, In<std::int64_t> indptr, std::int64_t n_cols, In<double> b,
           int n_threads) {
            const std::int64_t n_rows = static_cast<std::int64_t>(indptr.size()) - 1;
            const sparse::CsrMatrix x = csr_view(data, indices, indptr, n_rows, n_cols);
            require(b.ndim() == 2 && b.shape(0) == n_cols, "B must be a 2-D array with one row per column of X");
            Out<double> out({static_cast<py::ssize_t>(n_rows), b.shape(1)});
            double* out_data = out.mutable_data();
            {
                py::gil_scoped_release release;
                sparse::csr_times_dense(x, b.data(), b.shape(1), out_data, n_threads);
            }
            return out;
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_cols"), py::arg("B"), py::arg("n_threads"),
        "X @ B for a CSR X (its data, indices, indptr and column count) and a dense B; returns a dense array.");
    m.def(
        "csr_column_moments",
        [](In<double> data, In<std::int64_t> indices, In<std::int64_t> indptr, std::int64_t n_cols,
           std::optional<In<double>> sample_weight, int n_threads) {
            const std::int64_t n_rows = static_cast<std::int64_t>(indptr.size()) - 1;
            const sparse::CsrMatrix x = csr_view(data, indices, indptr, n_rows, n_cols);
            require(n_rows >= 1 && n_cols >= 1, "X needs at least one sample and one feature");
            if (sample_weight) require_shape(*sample_weight, "sample_weight", {static_cast<py::ssize_t>(n_rows)});
            const double* w = sample_weight ? sample_weight->data() : nullptr;
            py::array_t<double> mean(n_cols), m2(n_cols);
            double* mean_out = mean.mutable_data();
            double* m2_out = m2.mutable_data();
            double total = 0.0;
            {
                py::gil_scoped_release release;
                sparse::csr_column_moments(x, w, &total, mean_out, m2_out, n_threads);
            }
            return py::make_tuple(total, mean, m2);
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_cols"), py::arg("sample_weight"),
        py::arg("n_threads"),
        "column_moments for a CSR X: (total weight, column means, column sums of squared deviations), the "
        "unstored zeros counted; independent of n_threads bit for bit.");
    m.def(
        "csr_column_max_abs",
        [](In<double> data, In<std::int64_t> indices, In<std::int64_t> indptr, std::int64_t n_cols, int n_threads) {
            const std::int64_t n_rows = static_cast<std::int64_t>(indptr.size()) - 1;
            const sparse::CsrMatrix x = csr_view(data, indices, indptr, n_rows, n_cols);
            py::array_t<double> top(n_cols);
            double* out = top.mutable_data();
            {
                py::gil_scoped_release release;
                sparse::csr_column_max_abs(x, out, n_threads);
            }
            return top;
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_cols"), py::arg("n_threads"),
        "The largest |value| of each column of a CSR X (0 where a column stores nothing).");
}

}  // namespace zoo::bindings
