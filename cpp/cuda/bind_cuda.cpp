// zoo._cuda: the CUDA kernels, a module of its own so that zoo imports and
// runs without it. The CUDA runtime is linked statically; it loads the
// driver (libcuda) when first used, so this module imports on a machine
// without a driver and device_count() says why there is no device.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

#include "kmeans_cuda.hpp"

namespace py = pybind11;

namespace {

template <class T>
using In = py::array_t<T, py::array::c_style | py::array::forcecast>;
template <class T>
using Out = py::array_t<T, py::array::c_style>;

void require(bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(message);
}

template <class T>
void bind_kmeans(py::module_& m) {
    m.def(
        "kmeans_lloyd",
        [](In<T> x, In<T> weight, Out<T> centers, Out<std::int32_t> labels, int max_iter, double tol) {
            require(x.ndim() == 2 && x.shape(0) >= 1 && x.shape(1) >= 1, "X must be a non-empty 2-D array");
            require(weight.ndim() == 1 && weight.shape(0) == x.shape(0), "sample_weight must have one value per row");
            require(centers.ndim() == 2 && centers.shape(1) == x.shape(1), "centers must be (n_clusters, n_features)");
            require(labels.ndim() == 1 && labels.shape(0) == x.shape(0), "labels must have one value per row");
            require(centers.writeable() && labels.writeable(), "centers and labels must be writable");
            T* centers_io = centers.mutable_data();
            std::int32_t* labels_out = labels.mutable_data();
            zoo::cuda::KMeansSummary summary;
            {
                py::gil_scoped_release release;
                summary = zoo::cuda::kmeans_lloyd<T>(x.data(), weight.data(), x.shape(0), x.shape(1),
                                                     static_cast<int>(centers.shape(0)), centers_io, labels_out,
                                                     max_iter, tol);
            }
            return py::make_tuple(summary.n_iter, summary.inertia);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centers").noconvert(), py::arg("labels").noconvert(),
        py::arg("max_iter"), py::arg("tol"),
        "Lloyd's k-means on the GPU from `centers` (updated in place); fills `labels`; returns (n_iter, inertia).");
}

}  // namespace

PYBIND11_MODULE(_cuda, m) {
    m.doc() = "zoo's CUDA kernels (built when a CUDA compiler was found).";
    m.def(
        "device_count",
        [] {
            const char* reason = "";
            const int count = zoo::cuda::device_count(&reason);
            return py::make_tuple(count, std::string(reason));
        },
        "(number of CUDA devices, why there are none or '').");
    bind_kmeans<float>(m);
    bind_kmeans<double>(m);
}
