// Losses on the network's raw outputs (logits for the cross-entropies).
#pragma once

#include "zoo/nn.hpp"

namespace zoo::nn::detail {

struct LossResult {
    double weighted_loss = 0.0;  // sum of weight * per-sample loss
    double correct = 0.0;        // weighted count of correct predictions (classification)
    double squared_error = 0.0;  // sum of weight * squared residuals (regression losses), for R^2
};

// Per-sample losses of `rows` outputs against their targets, which
// validate_targets has accepted (this runs inside parallel regions and never
// throws). When `grad` is
// given it receives d(batch loss)/d(outputs), where the batch loss is
// sum(w_i * loss_i) / weight_total. Regression losses average over outputs.
template <class T>
LossResult apply_loss(Loss loss, double huber_delta, const T* outputs, const T* targets, const T* weight,
                      index_t rows, index_t n_outputs, double weight_total, T* grad);

// Throws std::invalid_argument unless every target suits the loss (class
// indices are whole numbers in [0, n_outputs)). Run before a parallel region,
// where nothing may throw.
template <class T>
void validate_targets(Loss loss, const T* targets, index_t rows, index_t n_outputs);

// Number of target columns a loss expects for a network with n_outputs.
inline index_t target_columns(Loss loss, index_t n_outputs) {
    return loss == Loss::categorical_crossentropy ? 1 : n_outputs;
}

}  // namespace zoo::nn::detail
