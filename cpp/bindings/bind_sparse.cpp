// pybind11 glue for the CSR kernels (zoo/sparse.hpp): checks, GIL release.
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
}

}  // namespace zoo::bindings
