// zoo._core.NetworkState: a network's state as the learning kernels read and
// write it -- the network and its flat arrays (parameters, gradients,
// optimizer moments, batch-norm buffers) and its optimizer step count. The
// arrays are held zero-copy and checked once, when Python builds the view;
// a kernel call only checks that the dtype and the optimizer's slot count
// are the ones it needs.
#pragma once

#include <cstdint>
#include <string>

#include "bindings.hpp"
#include "zoo/nn.hpp"

namespace zoo::bindings {

class NetworkState {
public:
    // `grads` and `optimizer_state` may be None for a state that only acts;
    // `buffers` may be None when the network has none.
    NetworkState(py::object network, py::object params, py::object grads, py::object optimizer_state,
                 py::object buffers, std::int64_t step);

    const nn::Network& network() const { return *net_; }
    py::object network_object() const { return network_; }
    py::array params_array() const { return params_; }
    py::object grads_array() const { return grads_; }
    py::object optimizer_state_array() const { return moments_; }
    py::object buffers_array() const { return buffers_; }

    template <class T>
    bool holds() const {
        return same_dtype(params_.dtype(), py::dtype::of<T>());
    }
    // Parameters to read; `params<T>()` to write them needs a trainable state.
    template <class T>
    const T* values() const {
        require_dtype<T>();
        return static_cast<const T*>(params_.data());
    }
    template <class T>
    const T* buffers() const {
        require_dtype<T>();
        return buffers_.is_none() ? nullptr : static_cast<const T*>(py::array(buffers_).data());
    }
    // What a learning step writes: parameters, gradients and the moments of
    // `optimizer` (n_slots x n_params).
    template <class T>
    struct Trainable {
        T* params;
        T* grads;
        T* moments;
    };
    template <class T>
    Trainable<T> trainable(const nn::OptimizerConfig& optimizer) const {
        require_dtype<T>();
        require(!grads_.is_none() && !moments_.is_none(),
                name_ + " has no gradients or optimizer state: it can act but not learn");
        py::array params = params_, grads(grads_), moments(moments_);
        require(moments.shape(0) == nn::optimizer_slots(optimizer),
                name_ + "'s optimizer state has " + std::to_string(moments.shape(0)) + " slots; the optimizer needs " +
                    std::to_string(nn::optimizer_slots(optimizer)));
        return {static_cast<T*>(params.mutable_data()), static_cast<T*>(grads.mutable_data()),
                static_cast<T*>(moments.mutable_data())};
    }
    // Parameters written in place without gradients (DQN's target network).
    template <class T>
    T* params() const {
        require_dtype<T>();
        py::array params = params_;
        require(params.writeable(), name_ + " params must be writable");
        return static_cast<T*>(params.mutable_data());
    }

    std::int64_t step;

private:
    template <class T>
    void require_dtype() const {
        if (!holds<T>())
            throw py::type_error(name_ + " holds " + std::string(py::str(params_.dtype())) + " arrays; this kernel takes " +
                                 std::string(py::str(py::dtype::of<T>())));
    }

    std::string name_ = "the network state";
    py::object network_;
    const nn::Network* net_;
    py::array params_;
    py::object grads_ = py::none(), moments_ = py::none(), buffers_ = py::none();
};

}  // namespace zoo::bindings
