// pybind11 glue for principal component analysis: shape checks, GIL release.
#include <algorithm>
#include <optional>
#include <string>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "zoo/decomposition.hpp"

namespace zoo::bindings {

namespace {

namespace dec = zoo::decomposition;
using dec::index_t;

dec::Normalizer normalizer_of(const std::string& name) {
    if (name == "none") return dec::Normalizer::none;
    if (name == "LU") return dec::Normalizer::lu;
    if (name == "QR") return dec::Normalizer::qr;
    throw std::invalid_argument("power_iteration_normalizer must be 'none', 'LU' or 'QR', got '" + name + "'");
}

template <class T>
void bind_decomposition_for(py::module_& m) {
    m.def(
        "pca_covariance_eigh",
        [](In<T> x, index_t k, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const index_t n = x.shape(0), d = x.shape(1);
            require(n >= 2, "PCA needs at least 2 samples");
            require(d >= 1, "X must have at least one feature");
            require(k >= 1 && k <= d, "n_components must be in [1, n_features]");
            py::array_t<double> mean(d), variances(k);
            Out<T> components({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(d)});
            double total = 0.0;
            double* mean_out = mean.mutable_data();
            double* variances_out = variances.mutable_data();
            T* components_out = components.mutable_data();
            {
                py::gil_scoped_release release;
                dec::covariance_eigh(x.data(), n, d, k, n_threads, mean_out, variances_out, components_out, &total);
            }
            return py::make_tuple(mean, variances, components, total);
        },
        py::arg("X"), py::arg("n_components"), py::arg("n_threads"),
        "Top eigenpairs of the covariance of X: returns (mean, variances, components, total_variance).");

    m.def(
        "pca_svd",
        [](Out<T> a, int n_threads) {
            require(a.ndim() == 2, "A must be a 2-D array");
            require_writable(a, "A");
            const index_t rows = a.shape(0), d = a.shape(1);
            require(rows >= 1 && d >= 1, "A must not be empty");
            const index_t r = std::min(rows, d);
            Out<T> singular_values(r);
            Out<T> components({static_cast<py::ssize_t>(r), static_cast<py::ssize_t>(d)});
            T* a_io = a.mutable_data();
            T* s_out = singular_values.mutable_data();
            T* components_out = components.mutable_data();
            {
                py::gil_scoped_release release;
                dec::svd_rows(a_io, rows, d, n_threads, s_out, components_out);
            }
            return py::make_tuple(singular_values, components);
        },
        py::arg("A").noconvert(), py::arg("n_threads"),
        "SVD of A (destroyed): returns (singular_values, right singular vectors as rows).");

    m.def(
        "pca_randomized",
        [](In<T> xc, index_t k, index_t n_oversamples, int n_iter, const std::string& normalizer, std::uint64_t seed,
           int n_threads) {
            require(xc.ndim() == 2, "X must be a 2-D array");
            const index_t n = xc.shape(0), d = xc.shape(1);
            require(k >= 1 && k <= std::min(n, d), "n_components must be in [1, min(n_samples, n_features)]");
            require(n_oversamples >= 0, "n_oversamples must be >= 0");
            require(n_iter >= 0, "iterated_power must be >= 0");
            const dec::Normalizer norm = normalizer_of(normalizer);
            Out<T> singular_values(k);
            Out<T> components({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(d)});
            T* s_out = singular_values.mutable_data();
            T* components_out = components.mutable_data();
            {
                py::gil_scoped_release release;
                dec::randomized_svd(xc.data(), n, d, k, n_oversamples, n_iter, norm, seed, n_threads, s_out,
                                    components_out, python_interrupt_check());
            }
            return py::make_tuple(singular_values, components);
        },
        py::arg("Xc"), py::arg("n_components"), py::arg("n_oversamples"), py::arg("n_iter"), py::arg("normalizer"),
        py::arg("seed"), py::arg("n_threads"),
        "Randomized SVD of the centred Xc: returns (singular_values, components).");

    m.def(
        "pca_project",
        [](In<T> x, In<T> mean, In<T> components, std::optional<In<T>> scale, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const index_t n = x.shape(0), d = x.shape(1);
            require_shape(mean, "mean", {d});
            require_shape(components, "components", {-1, d});
            const index_t k = components.shape(0);
            require(k >= 1, "components must have at least one row");
            if (scale) require_shape(*scale, "scale", {k});
            Out<T> out({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)});
            T* result = out.mutable_data();
            const T* scale_data = scale ? scale->data() : nullptr;
            {
                py::gil_scoped_release release;
                dec::project(x.data(), n, d, mean.data(), components.data(), k, scale_data, n_threads, result);
            }
            return out;
        },
        py::arg("X"), py::arg("mean"), py::arg("components"), py::arg("scale"), py::arg("n_threads"),
        "(X - mean) components^T, columns times `scale` when given.");
}

}  // namespace

void bind_decomposition(py::module_& m) {
    bind_decomposition_for<float>(m);
    bind_decomposition_for<double>(m);
}

}  // namespace zoo::bindings
