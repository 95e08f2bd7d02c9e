// Each optimizer's update of one parameter, the one definition that the
// C++ engine (optimizers.cpp, in loops the compiler vectorizes) and the
// CUDA kernels (cpp/cuda/nn_cuda.cu) apply. The rules, in the form
// PyTorch implements them:
//   SGD       v = mu v + g;  p -= lr (nesterov ? g + mu v : v)   (mu = 0: p -= lr g)
//   Adam      Kingma & Ba 2015, bias-corrected moments
//   AdamW     Loshchilov & Hutter 2019: p *= 1 - lr wd before the Adam step
//   RMSprop   Hinton's lecture 6e: s = rho s + (1 - rho) g^2
//   AdaGrad   Duchi et al. 2011: s += g^2
#pragma once

#include <cmath>
#include <cstdint>

#include "zoo/host_device.hpp"
#include "zoo/nn.hpp"

namespace zoo::nn::detail {

// Adam's bias corrections folded into two factors for step t (1-based).
template <class T>
struct AdamFactors {
    T step_size;    // lr / (1 - beta1^t)
    T inv_sqrt_c2;  // 1 / sqrt(1 - beta2^t)

    static AdamFactors at(const OptimizerConfig& c, std::int64_t t) {
        const double correction1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
        const double correction2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
        return {static_cast<T>(c.learning_rate / correction1), static_cast<T>(1.0 / std::sqrt(correction2))};
    }
};

template <class T>
ZOO_HOST_DEVICE inline void sgd_momentum_rule(T& p, T g, T& v, T lr, T mu, bool nesterov) {
    v = mu * v + g;
    p -= lr * (nesterov ? g + mu * v : v);
}

template <class T>
ZOO_HOST_DEVICE inline void adam_rule(T& p, T g, T& m, T& v, T b1, T b2, AdamFactors<T> f, T eps) {
    m = b1 * m + (T(1) - b1) * g;
    v = b2 * v + (T(1) - b2) * g * g;
    p -= f.step_size * m / (std::sqrt(v) * f.inv_sqrt_c2 + eps);
}

template <class T>
ZOO_HOST_DEVICE inline void rmsprop_rule(T& p, T g, T& s, T lr, T rho, T eps) {
    s = rho * s + (T(1) - rho) * g * g;
    p -= lr * g / (std::sqrt(s) + eps);
}

template <class T>
ZOO_HOST_DEVICE inline void adagrad_rule(T& p, T g, T& s, T lr, T eps) {
    s += g * g;
    p -= lr * g / (std::sqrt(s) + eps);
}

}  // namespace zoo::nn::detail
