// Activations as small policy types, so each fused pass is compiled once per
// activation with the branch hoisted out of the loop (mlpack-style policies).
// The CUDA kernels (cpp/cuda/nn_cuda.cu) evaluate the same definitions.
#pragma once

#include <cmath>
#include <stdexcept>

#include "zoo/host_device.hpp"
#include "zoo/nn.hpp"

namespace zoo::nn::detail {

struct Identity {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T) { return z; }
    // Derivative from the pre-activation z and the output a.
    template <class T> ZOO_HOST_DEVICE static T derivative(T, T, T) { return T(1); }
};
struct Relu {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T) { return z > T(0) ? z : T(0); }
    template <class T> ZOO_HOST_DEVICE static T derivative(T z, T, T) { return z > T(0) ? T(1) : T(0); }
};
struct LeakyRelu {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T slope) { return z > T(0) ? z : slope * z; }
    template <class T> ZOO_HOST_DEVICE static T derivative(T z, T, T slope) { return z > T(0) ? T(1) : slope; }
};
struct Elu {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T alpha) { return z > T(0) ? z : alpha * std::expm1(z); }
    template <class T> ZOO_HOST_DEVICE static T derivative(T z, T a, T alpha) { return z > T(0) ? T(1) : a + alpha; }
};
struct Gelu {  // exact form, z * Phi(z), as PyTorch's default
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T) {
        return T(0.5) * z * (T(1) + std::erf(z * T(0.70710678118654752440)));
    }
    template <class T> ZOO_HOST_DEVICE static T derivative(T z, T, T) {
        const T cdf = T(0.5) * (T(1) + std::erf(z * T(0.70710678118654752440)));
        const T pdf = T(0.39894228040143267794) * std::exp(T(-0.5) * z * z);
        return cdf + z * pdf;
    }
};
struct Tanh {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T) { return std::tanh(z); }
    template <class T> ZOO_HOST_DEVICE static T derivative(T, T a, T) { return T(1) - a * a; }
};
struct Sigmoid {
    template <class T> ZOO_HOST_DEVICE static T forward(T z, T) {
        // Split by sign so exp never overflows.
        if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
        const T e = std::exp(z);
        return e / (T(1) + e);
    }
    template <class T> ZOO_HOST_DEVICE static T derivative(T, T a, T) { return a * (T(1) - a); }
};

// Calls body(policy) with the policy type for `activation`.
template <class Body>
decltype(auto) with_activation(Activation activation, Body&& body) {
    switch (activation) {
        case Activation::identity: return body(Identity{});
        case Activation::relu: return body(Relu{});
        case Activation::leaky_relu: return body(LeakyRelu{});
        case Activation::elu: return body(Elu{});
        case Activation::gelu: return body(Gelu{});
        case Activation::tanh: return body(Tanh{});
        case Activation::sigmoid: return body(Sigmoid{});
    }
    throw std::invalid_argument("unknown activation");
}

}  // namespace zoo::nn::detail
