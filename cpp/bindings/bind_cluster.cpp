// pybind11 glue for the k-means kernels: shape checks, GIL release, nothing else.
#include <string>

#include "bindings.hpp"
#include "zoo/cluster.hpp"

namespace zoo::bindings {

namespace {

using cluster::index_t;
using cluster::Points;

template <class T>
Points<T> points_of(const In<T>& x, const In<T>& weight) {
    require(x.ndim() == 2, "X must be a 2-D array");
    require_shape(weight, "sample_weight", {x.shape(0)});
    return {x.data(), weight.data(), static_cast<index_t>(x.shape(0)), static_cast<index_t>(x.shape(1))};
}

template <class T>
int n_clusters_of(const Out<T>& centers, const In<T>& x) {
    require_shape(centers, "centers", {-1, x.shape(1)});
    require_writable(centers, "centers");
    return static_cast<int>(centers.shape(0));
}

template <class T>
void bind_cluster_for(py::module_& m) {
    m.def(
        "kmeans_plusplus",
        [](In<T> x, In<T> weight, int k, int n_local_trials, std::uint64_t seed, int n_threads) {
            const Points<T> points = points_of(x, weight);
            require(k >= 1, "n_clusters must be >= 1");
            Out<T> centers({static_cast<py::ssize_t>(k), x.shape(1)});
            py::array_t<std::int64_t> chosen(k);
            T* centers_out = centers.mutable_data();
            std::int64_t* chosen_out = chosen.mutable_data();
            {
                py::gil_scoped_release release;
                cluster::kmeans_plusplus(points, k, n_local_trials, seed, n_threads, centers_out, chosen_out,
                                         python_interrupt_check());
            }
            return py::make_tuple(centers, chosen);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("n_clusters"), py::arg("n_local_trials"), py::arg("seed"),
        py::arg("n_threads"), "Greedy k-means++ seeds: returns (centers, chosen row indices).");

    m.def(
        "kmeans_fit",
        [](In<T> x, In<T> weight, Out<T> centers, Out<std::int32_t> labels, int max_iter, double tol,
           const std::string& algorithm, int n_threads) {
            const Points<T> points = points_of(x, weight);
            const int k = n_clusters_of(centers, x);
            require_shape(labels, "labels", {x.shape(0)});
            require_writable(labels, "labels");
            using Kernel = cluster::FitSummary (*)(const Points<T>&, int, T*, std::int32_t*, int, double, int,
                                                   const InterruptCheck&);
            Kernel kernel = algorithm == "lloyd"     ? &cluster::kmeans_lloyd<T>
                            : algorithm == "elkan"   ? &cluster::kmeans_elkan<T>
                            : algorithm == "hamerly" ? &cluster::kmeans_hamerly<T>
                                                     : nullptr;
            require(kernel != nullptr, "algorithm must be 'lloyd', 'elkan' or 'hamerly', got '" + algorithm + "'");
            require(max_iter >= 1, "max_iter must be >= 1");
            T* centers_io = centers.mutable_data();
            std::int32_t* labels_out = labels.mutable_data();
            cluster::FitSummary summary;
            {
                py::gil_scoped_release release;
                summary = kernel(points, k, centers_io, labels_out, max_iter, tol, n_threads, python_interrupt_check());
            }
            return py::make_tuple(summary.n_iter, summary.inertia);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centers").noconvert(), py::arg("labels").noconvert(),
        py::arg("max_iter"), py::arg("tol"), py::arg("algorithm"), py::arg("n_threads"),
        "Runs k-means from `centers` (updated in place); fills `labels`; returns (n_iter, inertia).");

    m.def(
        "kmeans_assign",
        [](In<T> x, In<T> weight, In<T> centers, Out<std::int32_t> labels, int n_threads) {
            const Points<T> points = points_of(x, weight);
            require_shape(centers, "centers", {-1, x.shape(1)});
            require_shape(labels, "labels", {x.shape(0)});
            require_writable(labels, "labels");
            const int k = static_cast<int>(centers.shape(0));
            std::int32_t* labels_out = labels.mutable_data();
            py::gil_scoped_release release;
            return cluster::kmeans_assign(points, k, centers.data(), labels_out, n_threads);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centers"), py::arg("labels").noconvert(),
        py::arg("n_threads"), "Nearest centre of each point into `labels`; returns the weighted inertia.");

    m.def(
        "kmeans_assign_sums",
        [](In<T> x, In<T> weight, In<T> shift, In<T> centers, Out<std::int32_t> labels, int n_threads) {
            const Points<T> points = points_of(x, weight);
            require_shape(shift, "shift", {x.shape(1)});
            require_shape(centers, "centers", {-1, x.shape(1)});
            require_shape(labels, "labels", {x.shape(0)});
            require_writable(labels, "labels");
            const int k = static_cast<int>(centers.shape(0));
            Out<double> sums({static_cast<py::ssize_t>(k), x.shape(1)});
            Out<double> weights({static_cast<py::ssize_t>(k)});
            std::int32_t* labels_io = labels.mutable_data();
            double* sums_out = sums.mutable_data();
            double* weights_out = weights.mutable_data();
            cluster::AssignSums result;
            {
                py::gil_scoped_release release;
                result = cluster::kmeans_assign_sums(points, shift.data(), k, centers.data(), labels_io, sums_out,
                                                     weights_out, n_threads);
            }
            return py::make_tuple(sums, weights, result.changed, result.inertia);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("shift"), py::arg("centers"), py::arg("labels").noconvert(),
        py::arg("n_threads"),
        "One Lloyd E-step on X - shift: nearest centres into `labels` (in: the previous labels or -1); returns "
        "(per-centre sums k x d float64, per-centre weights float64, how many labels changed, weighted inertia).");

    m.def(
        "kmeans_nearest_weighted_sq",
        [](In<T> x, In<T> weight, In<T> shift, In<T> centers, Out<double> weighted_sq, int n_threads) {
            const Points<T> points = points_of(x, weight);
            require_shape(shift, "shift", {x.shape(1)});
            require_shape(centers, "centers", {-1, x.shape(1)});
            require_shape(weighted_sq, "weighted_sq", {x.shape(0)});
            require_writable(weighted_sq, "weighted_sq");
            const int k = static_cast<int>(centers.shape(0));
            double* out = weighted_sq.mutable_data();
            py::gil_scoped_release release;
            cluster::kmeans_nearest_weighted_sq(points, shift.data(), k, centers.data(), out, n_threads);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("shift"), py::arg("centers"),
        py::arg("weighted_sq").noconvert(), py::arg("n_threads"),
        "k-means|| weights: lowers `weighted_sq` (in place, float64) to w times the squared distance of each "
        "point minus shift to its nearest centre where smaller.");

    m.def(
        "kmeans_transform",
        [](In<T> x, In<T> centers, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            require_shape(centers, "centers", {-1, x.shape(1)});
            Out<T> distances({x.shape(0), centers.shape(0)});
            T* out = distances.mutable_data();
            {
                py::gil_scoped_release release;
                cluster::kmeans_transform(x.data(), x.shape(0), x.shape(1), static_cast<int>(centers.shape(0)),
                                          centers.data(), out, n_threads);
            }
            return distances;
        },
        py::arg("X"), py::arg("centers"), py::arg("n_threads"), "Euclidean distances to each centre (n x k).");

    m.def(
        "minibatch_step",
        [](In<T> x, In<T> weight, Out<T> centers, Out<T> weight_sums, Out<std::int32_t> labels, int n_threads) {
            const Points<T> points = points_of(x, weight);
            const int k = n_clusters_of(centers, x);
            require_shape(weight_sums, "weight_sums", {k});
            require_writable(weight_sums, "weight_sums");
            require_shape(labels, "labels", {x.shape(0)});
            require_writable(labels, "labels");
            T* centers_io = centers.mutable_data();
            T* sums_io = weight_sums.mutable_data();
            std::int32_t* labels_out = labels.mutable_data();
            py::gil_scoped_release release;
            return cluster::minibatch_step(points, k, centers_io, sums_io, labels_out, n_threads);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centers").noconvert(), py::arg("weight_sums").noconvert(),
        py::arg("labels").noconvert(), py::arg("n_threads"),
        "One mini-batch update of `centers` and `weight_sums` in place; returns the batch inertia.");
}

}  // namespace

void bind_cluster(py::module_& m) {
    bind_cluster_for<float>(m);
    bind_cluster_for<double>(m);
}

}  // namespace zoo::bindings
