// zoo._cuda: the CUDA kernels, a module of its own so that zoo imports and
// runs without it. The CUDA runtime is linked statically; it loads the
// driver (libcuda) when first used, so this module imports on a machine
// without a driver and device_count() says why there is no device.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kmeans_cuda.hpp"
#include "nn_cuda.hpp"

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

// The fields of a zoo._core.TrainConfig (read by name: the two modules share no types).
zoo::cuda::NetworkTraining training_of(const py::object& config) {
    const py::object optimizer = config.attr("optimizer");
    zoo::cuda::NetworkTraining t;
    t.loss = py::int_(config.attr("loss"));
    t.huber_delta = config.attr("huber_delta").cast<double>();
    t.optimizer = py::int_(optimizer.attr("kind"));
    t.learning_rate = optimizer.attr("learning_rate").cast<double>();
    t.beta1 = optimizer.attr("beta1").cast<double>();
    t.beta2 = optimizer.attr("beta2").cast<double>();
    t.epsilon = optimizer.attr("epsilon").cast<double>();
    t.weight_decay = optimizer.attr("weight_decay").cast<double>();
    t.nesterov = optimizer.attr("nesterov").cast<bool>();
    t.l1 = config.attr("l1").cast<double>();
    t.l2 = config.attr("l2").cast<double>();
    t.clip_norm = config.attr("clip_norm").cast<double>();
    t.clip_value = config.attr("clip_value").cast<double>();
    t.batch_size = config.attr("batch_size").cast<std::int64_t>();
    t.shuffle = config.attr("shuffle").cast<bool>();
    t.seed = config.attr("seed").cast<std::uint64_t>();
    return t;
}

using LayerTuple = std::tuple<std::int64_t, std::int64_t, int, double, std::int64_t, std::int64_t, std::int64_t>;

template <class T>
void bind_network_trainer(py::module_& m, const char* name) {
    using Trainer = zoo::cuda::NetworkTrainer<T>;
    py::class_<Trainer>(m, name)
        .def(py::init([](const std::vector<LayerTuple>& layers, std::int64_t n_params, int n_slots,
                         std::vector<std::string> cublas_paths) {
                 std::vector<zoo::cuda::DenseLayer> dense;
                 for (const auto& [n_in, n_out, activation, param, weight_offset, bias_offset, trained_from] : layers)
                     dense.push_back({n_in, n_out, activation, param, weight_offset, bias_offset, trained_from});
                 return std::make_unique<Trainer>(std::move(dense), n_params, n_slots, std::move(cublas_paths));
             }),
             py::arg("layers"), py::arg("n_params"), py::arg("n_slots"), py::arg("cublas_paths"),
             "layers: (n_in, n_out, activation, activation_param, weight_offset, bias_offset, trained_from) each.")
        .def(
            "set_data",
            [](Trainer& trainer, In<T> x, In<T> targets, In<T> weight) {
                require(x.ndim() == 2 && targets.ndim() == 2 && weight.ndim() == 1, "X and targets 2-D, weight 1-D");
                require(targets.shape(0) == x.shape(0) && weight.shape(0) == x.shape(0), "one target row and weight per row");
                py::gil_scoped_release release;
                trainer.set_data(x.data(), targets.data(), weight.data(), x.shape(0), targets.shape(1));
            },
            py::arg("X"), py::arg("targets"), py::arg("weight"))
        .def(
            "set_inputs",
            [](Trainer& trainer, In<T> x) {
                require(x.ndim() == 2, "X must be 2-D");
                py::gil_scoped_release release;
                trainer.set_inputs(x.data(), x.shape(0), x.shape(1));
            },
            py::arg("X"), "Replaces the inputs of the rows set_data gave (same shape).")
        .def(
            "train_epoch",
            [](Trainer& trainer, Out<T> params, Out<T> state, std::int64_t step, const py::object& config) {
                require(params.writeable() && state.writeable(), "params and state must be writable");
                const zoo::cuda::NetworkTraining training = training_of(config);
                T* params_io = params.mutable_data();
                T* state_io = state.mutable_data();
                zoo::cuda::EpochResult result;
                {
                    py::gil_scoped_release release;
                    result = trainer.train_epoch(params_io, state_io, step, training);
                }
                return py::make_tuple(result.loss, result.correct, result.weight, result.squared_error, result.steps);
            },
            py::arg("params").noconvert(), py::arg("state").noconvert(), py::arg("step"), py::arg("config"),
            "One epoch on the GPU; params and state are read first and written back at its end. Returns "
            "(loss, weighted correct, total weight, weighted squared error, steps).")
        .def(
            "predict",
            [](Trainer& trainer, In<T> params, In<T> x, std::int64_t n_outputs) {
                require(x.ndim() == 2, "X must be 2-D");
                Out<T> out({x.shape(0), static_cast<py::ssize_t>(n_outputs)});
                T* out_data = out.mutable_data();
                {
                    py::gil_scoped_release release;
                    trainer.predict(params.data(), x.data(), x.shape(0), out_data);
                }
                return out;
            },
            py::arg("params"), py::arg("X"), py::arg("n_outputs"));
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
    bind_network_trainer<float>(m, "NetworkTrainerFloat32");
    bind_network_trainer<double>(m, "NetworkTrainerFloat64");
}
