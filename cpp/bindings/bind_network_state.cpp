// pybind11 glue for zoo._core.NetworkState (network_state.hpp): the view of
// a network's arrays that the learning kernels take.
#include "network_state.hpp"

#include <string>

namespace zoo::bindings {

namespace {

// An array the kernels write in place: exactly this dtype and shape, C-contiguous, writable (no copies).
py::array checked_array(const py::object& value, const char* name, const py::dtype& dtype,
                        std::initializer_list<py::ssize_t> shape, bool writable) {
    if (!py::isinstance<py::array>(value))
        throw py::type_error(std::string(name) + " must be a NumPy array, got " +
                             std::string(py::str(py::type::of(value).attr("__name__"))));
    py::array a = py::reinterpret_borrow<py::array>(value);
    if (!same_dtype(a.dtype(), dtype))
        throw py::type_error(std::string(name) + " must hold " + std::string(py::str(dtype)) + ", got " +
                             std::string(py::str(a.dtype())));
    require_shape(a, name, shape);
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    if (writable) require_writable(a, name);
    return a;
}

}  // namespace

NetworkState::NetworkState(py::object network, py::object params, py::object grads, py::object optimizer_state,
                           py::object buffers, std::int64_t step_)
    : step(step_), network_(std::move(network)), net_(&network_.cast<const nn::Network&>()) {
    net_->validate();
    require(step >= 0, "step must be >= 0");
    if (!py::isinstance<py::array>(params)) throw py::type_error("params must be a NumPy array");
    const py::dtype dtype = py::reinterpret_borrow<py::array>(params).dtype();
    require(same_dtype(dtype, py::dtype::of<float>()) || same_dtype(dtype, py::dtype::of<double>()),
            "params must hold float32 or float64 values");
    const bool trainable = !grads.is_none() || !optimizer_state.is_none();
    params_ = checked_array(params, "params", dtype, {net_->n_params}, trainable);
    if (trainable) {
        require(!grads.is_none() && !optimizer_state.is_none(), "grads and optimizer_state come together");
        grads_ = checked_array(grads, "grads", dtype, {net_->n_params}, true);
        moments_ = checked_array(optimizer_state, "optimizer_state", dtype, {-1, net_->n_params}, true);
    }
    if (net_->n_buffers > 0 || !buffers.is_none())
        buffers_ = checked_array(buffers, "buffers", dtype, {net_->n_buffers}, false);
}

void bind_network_state(py::module_& m) {
    py::class_<NetworkState>(m, "NetworkState",
                             "A network's state as the learning kernels take it: the network, its flat arrays "
                             "(held zero-copy, checked here once) and its optimizer step count.")
        .def(py::init<py::object, py::object, py::object, py::object, py::object, std::int64_t>(), py::arg("network"),
             py::arg("params"), py::arg("grads") = py::none(), py::arg("optimizer_state") = py::none(),
             py::arg("buffers") = py::none(), py::arg("step") = 0)
        .def_property_readonly("network", &NetworkState::network_object)
        .def_property_readonly("params", &NetworkState::params_array)
        .def_property_readonly("grads", &NetworkState::grads_array)
        .def_property_readonly("optimizer_state", &NetworkState::optimizer_state_array)
        .def_property_readonly("buffers", &NetworkState::buffers_array)
        .def_readwrite("step", &NetworkState::step, "Optimizer steps taken so far (Adam's bias correction).");
}

}  // namespace zoo::bindings
