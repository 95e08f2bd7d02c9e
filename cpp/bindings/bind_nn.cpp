// pybind11 glue for the neural-network engine: the layout and configuration
// types, and the epoch / inference / gradient kernels over NumPy buffers.
#include <cmath>
#include <string>

#include "bindings.hpp"
#include "zoo/nn.hpp"

namespace zoo::bindings {

namespace {

using nn::index_t;

// Columns of the integer layer table Python builds (see zoo/nn/network.py).
enum LayerColumn : int {
    kIn, kOut, kActivation, kBatchNorm, kTrainable, kWeight, kBias, kGamma, kBeta, kRunning, kFirstTrainableUnit,
    kIntColumns
};

nn::Network network_from_tables(py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> ints,
                                py::array_t<double, py::array::c_style | py::array::forcecast> reals,
                                index_t n_params, index_t n_buffers) {
    require(ints.ndim() == 2 && ints.shape(1) == kIntColumns, "layer table must have shape (n_layers, 11)");
    require_shape(reals, "layer parameters", {ints.shape(0), 2});
    nn::Network net;
    net.n_params = n_params;
    net.n_buffers = n_buffers;
    auto I = ints.unchecked<2>();
    auto R = reals.unchecked<2>();
    for (py::ssize_t l = 0; l < ints.shape(0); ++l) {
        nn::Layer layer;
        layer.n_in = I(l, kIn);
        layer.n_out = I(l, kOut);
        require(I(l, kActivation) >= 0 && I(l, kActivation) <= static_cast<int>(nn::Activation::sigmoid), "unknown activation code");
        layer.activation = static_cast<nn::Activation>(I(l, kActivation));
        layer.batch_norm = I(l, kBatchNorm) != 0;
        layer.trainable = I(l, kTrainable) != 0;
        layer.weight_offset = I(l, kWeight);
        layer.bias_offset = I(l, kBias);
        layer.gamma_offset = I(l, kGamma);
        layer.beta_offset = I(l, kBeta);
        layer.running_offset = I(l, kRunning);
        layer.first_trainable_unit = I(l, kFirstTrainableUnit);
        layer.activation_param = R(l, 0);
        layer.dropout = R(l, 1);
        net.layers.push_back(layer);
    }
    net.validate();
    return net;
}

template <class T>
void require_rows(const nn::Network& net, const In<T>& x, const char* name) {
    require(x.ndim() == 2 && x.shape(1) == net.n_inputs(),
            std::string(name) + " must have shape (n_samples, " + std::to_string(net.n_inputs()) + ")");
    require(x.shape(0) >= 1, std::string(name) + " has no rows");
}

template <class T>
nn::Batch<T> batch_of(const nn::Network& net, const In<T>& x, const In<T>& y, const In<T>& weight) {
    require(x.ndim() == 2 && x.shape(1) == net.n_inputs(),
            "X must have shape (n_samples, " + std::to_string(net.n_inputs()) + ")");
    require(y.ndim() == 2 && y.shape(0) == x.shape(0), "targets must be 2-D with one row per sample");
    require_shape(weight, "sample_weight", {x.shape(0)});
    return {x.data(), y.data(), weight.data(), static_cast<index_t>(x.shape(0)), static_cast<index_t>(y.shape(1))};
}

// The flat state arrays (params, grads, buffers) must match the layout.
template <class A>
void require_length(const A& a, const char* name, index_t length) {
    require(a.ndim() == 1 && a.shape(0) == length, std::string(name) + " has the wrong size for this network");
}

template <class T>
void check_state(const nn::Network& net, const Out<T>& params, const Out<T>& grads, const Out<T>& buffers) {
    require_length(params, "params", net.n_params);
    require_length(grads, "grads", net.n_params);
    require_length(buffers, "buffers", net.n_buffers);
    require_writable(params, "params");
    require_writable(grads, "grads");
    require_writable(buffers, "buffers");
}

template <class T>
void check_optimizer_state(const nn::Network& net, const Out<T>& state, const nn::OptimizerConfig& config) {
    require_shape(state, "optimizer state", {nn::optimizer_slots(config), net.n_params});
    require_writable(state, "optimizer state");
}

// The anchored (EWC) penalty's arrays for one call: both or neither,
// float64, n_params finite non-negative weights and finite anchor values.
// They live here for the call; the config only points at them.
struct AnchorArrays {
    In<double> weight, anchor;
    bool given = false;  // a default array_t is an empty array, not a null handle

    AnchorArrays(const nn::Network& net, const py::object& anchor_weight, const py::object& anchor_values) {
        require(anchor_weight.is_none() == anchor_values.is_none(), "anchor_weight and anchor must be given together");
        if (anchor_weight.is_none()) return;
        given = true;
        weight = In<double>::ensure(anchor_weight);
        anchor = In<double>::ensure(anchor_values);
        require(static_cast<bool>(weight) && static_cast<bool>(anchor),
                "anchor_weight and anchor must be float arrays");
        require_length(weight, "anchor_weight", net.n_params);
        require_length(anchor, "anchor", net.n_params);
        const double* w = weight.data();
        const double* a = anchor.data();
        for (index_t i = 0; i < net.n_params; ++i) {
            require(w[i] >= 0 && std::isfinite(w[i]), "anchor_weight must be finite and non-negative");
            require(std::isfinite(a[i]), "anchor must be finite");
        }
    }

    nn::TrainConfig apply(nn::TrainConfig config) const {
        if (given) {
            config.anchor_weight = weight.data();
            config.anchor = anchor.data();
        }
        return config;
    }
};

template <class T>
void bind_nn_for(py::module_& m) {
    m.def(
        "nn_train_epoch",
        [](const nn::Network& net, In<T> x, In<T> y, In<T> weight, Out<T> params, Out<T> grads, Out<T> state,
           std::int64_t step, Out<T> buffers, const nn::TrainConfig& given, const py::object& anchor_weight,
           const py::object& anchor) {
            const nn::Batch<T> data = batch_of(net, x, y, weight);
            const AnchorArrays anchored(net, anchor_weight, anchor);
            const nn::TrainConfig config = anchored.apply(given);
            check_state(net, params, grads, buffers);
            check_optimizer_state(net, state, config.optimizer);
            T* p = params.mutable_data();
            T* g = grads.mutable_data();
            T* s = state.mutable_data();
            T* b = buffers.mutable_data();
            nn::EpochSummary summary;
            {
                py::gil_scoped_release release;
                summary = nn::train_epoch(net, data, p, g, s, step, b, config);
            }
            return py::make_tuple(summary.loss, summary.correct, summary.weight, summary.squared_error, summary.steps);
        },
        py::arg("network"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("params").noconvert(),
        py::arg("grads").noconvert(), py::arg("state").noconvert(), py::arg("step"), py::arg("buffers").noconvert(),
        py::arg("config"), py::arg("anchor_weight") = py::none(), py::arg("anchor") = py::none(),
        "One training epoch in place; returns (mean loss, weighted correct, total weight, weighted squared "
        "error, optimizer steps).");

    m.def(
        "nn_predict",
        [](const nn::Network& net, In<T> x, In<T> params, In<T> buffers, int n_threads) {
            require(x.ndim() == 2 && x.shape(1) == net.n_inputs(),
                    "X must have shape (n_samples, " + std::to_string(net.n_inputs()) + ")");
            require_length(params, "params", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            Out<T> out({x.shape(0), static_cast<py::ssize_t>(net.n_outputs())});
            T* o = out.mutable_data();
            {
                py::gil_scoped_release release;
                nn::predict(net, x.data(), x.shape(0), params.data(), buffers.data(), o, n_threads);
            }
            return out;
        },
        py::arg("network"), py::arg("X"), py::arg("params"), py::arg("buffers"), py::arg("n_threads"),
        "Network outputs (logits or values) in inference mode.");

    m.def(
        "nn_forward",
        [](const nn::Network& net, In<T> x, In<T> params, Out<T> buffers, const nn::PassConfig& config,
           bool update_statistics) {
            require_rows(net, x, "X");
            require_length(params, "params", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            require(!update_statistics || config.training, "update_statistics needs training mode");
            if (update_statistics) require_writable(buffers, "buffers");
            Out<T> out({x.shape(0), static_cast<py::ssize_t>(net.n_outputs())});
            T* o = out.mutable_data();
            T* updated = update_statistics ? buffers.mutable_data() : nullptr;
            {
                py::gil_scoped_release release;
                nn::forward_batch(net, x.data(), x.shape(0), params.data(), buffers.data(), o, config, updated);
            }
            return out;
        },
        py::arg("network"), py::arg("X"), py::arg("params"), py::arg("buffers").noconvert(), py::arg("config"),
        py::arg("update_statistics") = false,
        "Network outputs for the rows of X; in training mode X is one batch (batch statistics, dropout).");

    m.def(
        "nn_backward",
        [](const nn::Network& net, In<T> x, In<T> grad_output, In<T> params, In<T> buffers, Out<T> grads,
           bool input_gradient, const nn::PassConfig& config) -> py::object {
            require_rows(net, x, "X");
            require_shape(grad_output, "grad_output", {x.shape(0), static_cast<py::ssize_t>(net.n_outputs())});
            require_length(params, "params", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            require_length(grads, "grads", net.n_params);
            require_writable(grads, "grads");
            Out<T> grad_input;
            T* gi = nullptr;
            if (input_gradient) {
                grad_input = Out<T>({x.shape(0), static_cast<py::ssize_t>(net.n_inputs())});
                gi = grad_input.mutable_data();
            }
            T* g = grads.mutable_data();
            {
                py::gil_scoped_release release;
                nn::backward_batch(net, x.data(), x.shape(0), params.data(), buffers.data(), grad_output.data(), g, gi,
                                   config);
            }
            if (!input_gradient) return py::none();
            return std::move(grad_input);
        },
        py::arg("network"), py::arg("X"), py::arg("grad_output"), py::arg("params"), py::arg("buffers"),
        py::arg("grads").noconvert(), py::arg("input_gradient"), py::arg("config"),
        "Gradients of sum(grad_output * outputs) into `grads` (parameters); returns the input gradient "
        "(n_samples, n_inputs) when input_gradient is true, else None.");

    m.def(
        "nn_evaluate",
        [](const nn::Network& net, In<T> x, In<T> y, In<T> weight, In<T> params, In<T> buffers,
           const nn::TrainConfig& given, const py::object& anchor_weight, const py::object& anchor) {
            const nn::Batch<T> data = batch_of(net, x, y, weight);
            require_length(params, "params", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            const AnchorArrays anchored(net, anchor_weight, anchor);
            const nn::TrainConfig config = anchored.apply(given);
            nn::EpochSummary summary;
            {
                py::gil_scoped_release release;
                summary = nn::evaluate(net, data, params.data(), buffers.data(), config);
            }
            return py::make_tuple(summary.loss, summary.correct, summary.weight, summary.squared_error);
        },
        py::arg("network"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("params"),
        py::arg("buffers"), py::arg("config"), py::arg("anchor_weight") = py::none(), py::arg("anchor") = py::none(),
        "Inference-mode (loss, weighted correct, total weight, weighted squared error).");

    m.def(
        "nn_loss_and_gradient",
        [](const nn::Network& net, In<T> x, In<T> y, In<T> weight, In<T> params, Out<T> grads, In<T> buffers,
           const nn::TrainConfig& given, const py::object& anchor_weight, const py::object& anchor) {
            const nn::Batch<T> data = batch_of(net, x, y, weight);
            require_length(params, "params", net.n_params);
            require_length(grads, "grads", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            require_writable(grads, "grads");
            const AnchorArrays anchored(net, anchor_weight, anchor);
            const nn::TrainConfig config = anchored.apply(given);
            T* g = grads.mutable_data();
            py::gil_scoped_release release;
            return nn::loss_and_gradient(net, data, params.data(), g, buffers.data(), config);
        },
        py::arg("network"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("params"),
        py::arg("grads").noconvert(), py::arg("buffers"), py::arg("config"), py::arg("anchor_weight") = py::none(),
        py::arg("anchor") = py::none(),
        "Training-mode loss of one batch and its gradient into `grads`; changes nothing else.");

    m.def(
        "nn_sample_losses",
        [](nn::Loss loss, In<T> outputs, In<T> targets, double huber_delta) {
            require(outputs.ndim() == 2, "outputs must be 2-D (n_samples, n_outputs)");
            const py::ssize_t n = outputs.shape(0), k = outputs.shape(1);
            require(targets.ndim() == 2 && targets.shape(0) == n, "targets must be 2-D with one row per output row");
            const py::ssize_t columns = loss == nn::Loss::categorical_crossentropy ? 1 : k;
            require(targets.shape(1) == columns, "targets have the wrong number of columns for this loss");
            require(huber_delta > 0, "huber_delta must be > 0");
            Out<double> out(n);
            double* o = out.mutable_data();
            py::gil_scoped_release release;
            nn::sample_losses(loss, huber_delta, outputs.data(), targets.data(), n, k, o);
            return out;
        },
        py::arg("loss"), py::arg("outputs"), py::arg("targets"), py::arg("huber_delta") = 1.0,
        "Each row's data loss as the engine defines it (float64, (n_samples,)), from raw outputs.");

    m.def(
        "nn_sample_gradient_squares",
        [](const nn::Network& net, In<T> x, In<T> y, In<T> weight, In<T> params, In<T> buffers,
           const nn::TrainConfig& config) {
            const nn::Batch<T> data = batch_of(net, x, y, weight);
            require_length(params, "params", net.n_params);
            require_length(buffers, "buffers", net.n_buffers);
            Out<double> out(py::ssize_t(net.n_params));
            double* o = out.mutable_data();
            {
                py::gil_scoped_release release;
                nn::sample_gradient_squares(net, data, params.data(), buffers.data(), config, o);
            }
            return out;
        },
        py::arg("network"), py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("params"),
        py::arg("buffers"), py::arg("config"),
        "Sum over rows of sample_weight * (gradient of the row's own data loss)^2, float64 (n_params,): "
        "the unnormalised diagonal empirical Fisher information. Without dropout; "
        "not for batch-norm networks.");

    m.def(
        "nn_optimizer_step",
        [](const nn::Network& net, Out<T> params, In<T> grads, Out<T> state, std::int64_t step,
           const nn::OptimizerConfig& config) {
            require_length(params, "params", net.n_params);
            require_length(grads, "grads", net.n_params);
            require_writable(params, "params");
            check_optimizer_state(net, state, config);
            T* p = params.mutable_data();
            T* s = state.mutable_data();
            py::gil_scoped_release release;
            nn::optimizer_step(net, p, grads.data(), s, step, config);
        },
        py::arg("network"), py::arg("params").noconvert(), py::arg("grads"), py::arg("state").noconvert(),
        py::arg("step"), py::arg("config"), "One optimizer update in place (step = updates taken before).");
}

}  // namespace

void bind_nn(py::module_& m) {
    py::enum_<nn::Activation>(m, "Activation")
        .value("identity", nn::Activation::identity)
        .value("relu", nn::Activation::relu)
        .value("leaky_relu", nn::Activation::leaky_relu)
        .value("elu", nn::Activation::elu)
        .value("gelu", nn::Activation::gelu)
        .value("tanh", nn::Activation::tanh)
        .value("sigmoid", nn::Activation::sigmoid);
    py::enum_<nn::Loss>(m, "Loss")
        .value("mse", nn::Loss::mse)
        .value("mae", nn::Loss::mae)
        .value("huber", nn::Loss::huber)
        .value("binary_crossentropy", nn::Loss::binary_crossentropy)
        .value("categorical_crossentropy", nn::Loss::categorical_crossentropy);
    py::enum_<nn::Optimizer>(m, "OptimizerKind")
        .value("sgd", nn::Optimizer::sgd)
        .value("adam", nn::Optimizer::adam)
        .value("adamw", nn::Optimizer::adamw)
        .value("rmsprop", nn::Optimizer::rmsprop)
        .value("adagrad", nn::Optimizer::adagrad);

    py::class_<nn::OptimizerConfig>(m, "OptimizerConfig")
        .def(py::init<>())
        .def_readwrite("kind", &nn::OptimizerConfig::kind)
        .def_readwrite("learning_rate", &nn::OptimizerConfig::learning_rate)
        .def_readwrite("beta1", &nn::OptimizerConfig::beta1)
        .def_readwrite("beta2", &nn::OptimizerConfig::beta2)
        .def_readwrite("epsilon", &nn::OptimizerConfig::epsilon)
        .def_readwrite("weight_decay", &nn::OptimizerConfig::weight_decay)
        .def_readwrite("nesterov", &nn::OptimizerConfig::nesterov);
    py::class_<nn::TrainConfig>(m, "TrainConfig")
        .def(py::init<>())
        .def_readwrite("loss", &nn::TrainConfig::loss)
        .def_readwrite("huber_delta", &nn::TrainConfig::huber_delta)
        .def_readwrite("optimizer", &nn::TrainConfig::optimizer)
        .def_readwrite("l1", &nn::TrainConfig::l1)
        .def_readwrite("l2", &nn::TrainConfig::l2)
        .def_readwrite("clip_norm", &nn::TrainConfig::clip_norm)
        .def_readwrite("clip_value", &nn::TrainConfig::clip_value)
        .def_readwrite("batch_size", &nn::TrainConfig::batch_size)
        .def_readwrite("shuffle", &nn::TrainConfig::shuffle)
        .def_readwrite("bn_momentum", &nn::TrainConfig::bn_momentum)
        .def_readwrite("bn_epsilon", &nn::TrainConfig::bn_epsilon)
        .def_readwrite("seed", &nn::TrainConfig::seed)
        .def_readwrite("n_threads", &nn::TrainConfig::n_threads)
        .def_readwrite("anchor_strength", &nn::TrainConfig::anchor_strength);
    py::class_<nn::Network>(m, "Network")
        .def(py::init(&network_from_tables), py::arg("layer_table"), py::arg("layer_parameters"), py::arg("n_params"),
             py::arg("n_buffers"))
        .def_property_readonly("n_inputs", &nn::Network::n_inputs)
        .def_property_readonly("n_outputs", &nn::Network::n_outputs)
        .def_readonly("n_params", &nn::Network::n_params)
        .def_readonly("n_buffers", &nn::Network::n_buffers);
    py::class_<nn::PassConfig>(m, "PassConfig")
        .def(py::init<>())
        .def_readwrite("training", &nn::PassConfig::training)
        .def_readwrite("seed", &nn::PassConfig::seed)
        .def_readwrite("bn_momentum", &nn::PassConfig::bn_momentum)
        .def_readwrite("bn_epsilon", &nn::PassConfig::bn_epsilon)
        .def_readwrite("n_threads", &nn::PassConfig::n_threads);
    m.def("optimizer_slots", &nn::optimizer_slots, py::arg("config"));

    bind_nn_for<float>(m);
    bind_nn_for<double>(m);
}

}  // namespace zoo::bindings
