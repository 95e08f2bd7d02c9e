// Losses and their gradients with respect to the network outputs. Softmax is
// fused with categorical cross-entropy (log-sum-exp, gradient p - onehot),
// and the sigmoid with binary cross-entropy, so neither ever takes the log
// of a rounded probability.
#include "losses.hpp"
#include "loss_rows.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "zoo/nn_passes.hpp"

namespace zoo::nn::detail {

template <class T>
LossResult apply_loss(Loss loss, double huber_delta, const T* outputs, const T* targets, const T* weight,
                      index_t rows, index_t n_outputs, double weight_total, T* grad) {
    LossResult result;
    const index_t n_targets = target_columns(loss, n_outputs);
    for (index_t i = 0; i < rows; ++i) {
        const double w = static_cast<double>(weight[i]);
        const double scale = weight_total > 0 ? w / weight_total : 0.0;
        const T* z = outputs + i * n_outputs;
        const T* y = targets + i * n_targets;
        T* g = grad ? grad + i * n_outputs : nullptr;
        bool correct = false;
        double sample_loss;
        switch (loss) {
            case Loss::categorical_crossentropy:
                sample_loss = categorical_crossentropy(z, n_outputs, static_cast<index_t>(y[0]), g, scale, correct);
                break;
            case Loss::binary_crossentropy:
                sample_loss = binary_crossentropy(z, y, n_outputs, g, scale, correct);
                break;
            default: {
                double squared_error = 0.0;
                sample_loss = regression(loss, huber_delta, z, y, n_outputs, g, scale, squared_error);
                result.squared_error += w * squared_error;
            }
        }
        result.weighted_loss += w * sample_loss;
        result.correct += correct ? w : 0.0;
    }
    return result;
}

template <class T>
void validate_targets(Loss loss, const T* targets, index_t rows, index_t n_outputs) {
    if (loss != Loss::categorical_crossentropy) {
        for (index_t i = 0; i < rows * n_outputs; ++i)
            if (!std::isfinite(static_cast<double>(targets[i]))) throw std::invalid_argument("targets contain NaN or infinity");
        return;
    }
    for (index_t i = 0; i < rows; ++i) {
        const double label = static_cast<double>(targets[i]);
        if (!(label >= 0 && label < static_cast<double>(n_outputs)) || label != std::floor(label))
            throw std::invalid_argument("class index " + std::to_string(label) + " is not a whole number in [0, " +
                                        std::to_string(n_outputs) + ")");
    }
}

}  // namespace zoo::nn::detail

namespace zoo::nn {

template <class T>
void sample_losses(Loss loss, double huber_delta, const T* outputs, const T* targets, index_t n, index_t n_outputs,
                   double* out) {
    detail::validate_targets(loss, targets, n, n_outputs);
    const index_t columns = detail::target_columns(loss, n_outputs);
    const T one(1);
    for (index_t i = 0; i < n; ++i)
        out[i] = detail::apply_loss(loss, huber_delta, outputs + i * n_outputs, targets + i * columns, &one, 1, n_outputs,
                                    1.0, static_cast<T*>(nullptr))
                     .weighted_loss;
}

template void sample_losses<float>(Loss, double, const float*, const float*, index_t, index_t, double*);
template void sample_losses<double>(Loss, double, const double*, const double*, index_t, index_t, double*);

}  // namespace zoo::nn

namespace zoo::nn::detail {

template void validate_targets<float>(Loss, const float*, index_t, index_t);
template void validate_targets<double>(Loss, const double*, index_t, index_t);

template LossResult apply_loss<float>(Loss, double, const float*, const float*, const float*, index_t, index_t, double,
                                      float*);
template LossResult apply_loss<double>(Loss, double, const double*, const double*, const double*, index_t, index_t,
                                       double, double*);

}  // namespace zoo::nn::detail
