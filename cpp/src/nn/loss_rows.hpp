// The loss of one row of outputs against its targets, and the row's
// gradient scaled by `scale` (its weight over the batch's): the one
// definition that the C++ epoch loop (losses.cpp) and the CUDA kernels
// (cpp/cuda/nn_cuda.cu) evaluate.
#pragma once

#include <cmath>

#include "zoo/host_device.hpp"
#include "zoo/nn_passes.hpp"

namespace zoo::nn::detail {

// `label` is in [0, k): validate_targets checked it before training began.
template <class T>
ZOO_HOST_DEVICE double categorical_crossentropy(const T* z, index_t k, index_t label, T* grad, double scale,
                                                bool& correct) {
    T top = z[0];
    index_t argmax = 0;
    for (index_t j = 1; j < k; ++j)
        if (z[j] > top) top = z[j], argmax = j;
    double sum = 0.0;
    for (index_t j = 0; j < k; ++j) sum += std::exp(static_cast<double>(z[j] - top));
    correct = argmax == label;
    if (grad) {
        for (index_t j = 0; j < k; ++j)
            grad[j] = static_cast<T>(scale * std::exp(static_cast<double>(z[j] - top)) / sum);
        grad[label] -= static_cast<T>(scale);
    }
    return std::log(sum) + static_cast<double>(top - z[label]);
}

// log(1 + exp(-|z|)) + max(z, 0) - z y: stable for any z. (Ternaries, not
// std::max and std::abs, which device code lacks; NaN goes through alike.)
template <class T>
ZOO_HOST_DEVICE double binary_crossentropy(const T* z, const T* y, index_t k, T* grad, double scale,
                                           bool& correct) {
    double total = 0.0;
    correct = true;
    for (index_t j = 0; j < k; ++j) {
        const double zj = z[j], yj = y[j];
        total += (zj < 0.0 ? 0.0 : zj) - zj * yj + std::log1p(std::exp(-(zj < 0.0 ? -zj : zj)));
        correct = correct && ((zj > 0.0) == (yj > 0.5));
        if (grad) {
            const double p = zj >= 0 ? 1.0 / (1.0 + std::exp(-zj)) : std::exp(zj) / (1.0 + std::exp(zj));
            grad[j] = static_cast<T>(scale * (p - yj) / static_cast<double>(k));
        }
    }
    return total / static_cast<double>(k);
}

template <class T>
ZOO_HOST_DEVICE double regression(Loss loss, double delta, const T* z, const T* y, index_t k, T* grad,
                                  double scale, double& squared_error) {
    double total = 0.0;
    squared_error = 0.0;
    const double per_output = scale / static_cast<double>(k);
    for (index_t j = 0; j < k; ++j) {
        const double r = static_cast<double>(z[j]) - static_cast<double>(y[j]);
        squared_error += r * r;
        double g = 0.0;
        total += regression_loss(loss, delta, r, g);
        if (grad) grad[j] = static_cast<T>(per_output * g);
    }
    return total / static_cast<double>(k);
}

}  // namespace zoo::nn::detail
