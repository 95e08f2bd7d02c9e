// Forward and backward passes (zoo/nn_passes.hpp): each team member
// multiplies its slice of a layer's columns with single-threaded BLAS, then
// applies bias, batch norm, activation and dropout to that slice in one pass.
#include "zoo/nn_passes.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "activations.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"
#include "zoo/rng.hpp"

namespace zoo::nn {

using detail::with_activation;

void Network::validate() const {
    if (layers.empty()) throw std::invalid_argument("a network needs at least one layer");
    index_t expected_in = layers.front().n_in;
    for (size_t l = 0; l < layers.size(); ++l) {
        const Layer& layer = layers[l];
        const std::string where = "layer " + std::to_string(l);
        if (layer.n_in < 1 || layer.n_out < 1) throw std::invalid_argument(where + " has an empty side");
        if (layer.n_in != expected_in) throw std::invalid_argument(where + " does not take the previous layer's output");
        if (layer.dropout < 0.0 || layer.dropout >= 1.0) throw std::invalid_argument(where + ": dropout must be in [0, 1)");
        if (layer.first_trainable_unit < 0 || layer.first_trainable_unit > layer.n_out)
            throw std::invalid_argument(where + ": first_trainable_unit must be in [0, n_out]");
        const auto inside = [&](index_t offset, index_t length, index_t size) {
            return offset >= 0 && length >= 0 && offset + length <= size;
        };
        // A bias offset of -1 means a layer without bias (linear models fitted without intercept).
        if (!layer.has_bias() && layer.batch_norm) throw std::invalid_argument(where + ": batch norm needs a bias");
        bool ok = inside(layer.weight_offset, layer.n_in * layer.n_out, n_params) &&
                  (!layer.has_bias() || inside(layer.bias_offset, layer.n_out, n_params));
        if (layer.batch_norm)
            ok = ok && inside(layer.gamma_offset, layer.n_out, n_params) && inside(layer.beta_offset, layer.n_out, n_params) &&
                 inside(layer.running_offset, 2 * layer.n_out, n_buffers);
        if (!ok) throw std::out_of_range(where + " points outside the parameter or buffer arrays");
        expected_in = layer.n_out;
    }
}

Team Team::current() { return {omp_get_thread_num(), omp_get_num_threads()}; }

std::pair<index_t, index_t> Team::share(index_t count) const {
    constexpr index_t kAlign = 16;
    index_t chunk = (count + size - 1) / size;
    chunk = (chunk + kAlign - 1) / kAlign * kAlign;
    const index_t begin = std::min(count, chunk * id);
    return {begin, std::min(count, begin + chunk)};
}

int team_size_for(const Network& net, index_t batch, int n_threads) {
    double work = 0.0;  // multiply-adds of one forward pass over the batch
    for (const Layer& layer : net.layers) work += static_cast<double>(layer.n_in) * static_cast<double>(layer.n_out);
    return team_size(work * static_cast<double>(batch), n_threads);
}

template <class T>
Workspace<T>::Workspace(const Network& net, index_t rows) : max_rows(rows), layers(net.layers.size()) {
    index_t widest = net.n_inputs();
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        const auto cells = static_cast<size_t>(rows * layer.n_out);
        LayerCache<T>& cache = layers[l];
        cache.pre.resize(cells);
        cache.post.resize(cells);
        if (layer.dropout > 0) {
            cache.dropped.resize(cells);
            cache.mask.resize(cells);
        }
        if (layer.batch_norm) {
            cache.xhat.resize(cells);
            cache.inv_std.resize(static_cast<size_t>(layer.n_out));
            cache.column_a.resize(static_cast<size_t>(layer.n_out));
            cache.column_b.resize(static_cast<size_t>(layer.n_out));
        }
        widest = std::max(widest, layer.n_out);
    }
    grad_out.resize(static_cast<size_t>(rows * widest));
    grad_in.resize(static_cast<size_t>(rows * widest));
}

template <class T>
GradientSquares<T>::GradientSquares(const Network& net, index_t rows) {
    index_t widest = net.n_inputs();
    for (const Layer& layer : net.layers) widest = std::max(widest, layer.n_out);
    delta.resize(static_cast<size_t>(rows * widest));
    input.resize(static_cast<size_t>(rows * widest));
}

namespace {

// sum_r w_r (delta_r x input_r)^2 = (w * delta^2)^T input^2 for the layer's
// weights, sum_r w_r delta_r^2 for its bias (a team of one: the scratch is shared).
template <class T>
void accumulate_squares(const Layer& layer, const T* delta, const T* input, index_t rows, GradientSquares<T>& squares) {
    const index_t cols = layer.n_out, n_in = layer.n_in;
    T* delta_sq = squares.delta.data();
    T* input_sq = squares.input.data();
    for (index_t r = 0; r < rows; ++r) {
        const T w = squares.row_weight[r];
        for (index_t j = 0; j < cols; ++j) delta_sq[r * cols + j] = w * delta[r * cols + j] * delta[r * cols + j];
        for (index_t i = 0; i < n_in; ++i) input_sq[r * n_in + i] = input[r * n_in + i] * input[r * n_in + i];
    }
    blas::gemm(true, false, static_cast<int>(cols), static_cast<int>(n_in), static_cast<int>(rows), T(1), delta_sq,
               static_cast<int>(cols), input_sq, static_cast<int>(n_in), T(1), squares.out + layer.weight_offset,
               static_cast<int>(n_in));
    if (layer.has_bias()) {
        T* bias = squares.out + layer.bias_offset;
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = 0; j < cols; ++j) bias[j] += delta_sq[r * cols + j];
    }
}

inline void barrier() {
#pragma omp barrier
}

// The output a following layer reads: after dropout when there is dropout.
template <class T>
const T* layer_output(const Layer& layer, const LayerCache<T>& cache) {
    return layer.dropout > 0 ? cache.dropped.data() : cache.post.data();
}

// pre = pre + b (when the layer has a bias), then the activation, over columns [c0, c1).
template <class T>
void bias_activation(const Layer& layer, const T* params, T* pre, T* post, index_t rows, index_t c0, index_t c1) {
    const T param = static_cast<T>(layer.activation_param);
    const index_t cols = layer.n_out;
    const T* bias = layer.has_bias() ? params + layer.bias_offset : nullptr;
    with_activation(layer.activation, [&](auto policy) {
        using Policy = decltype(policy);
        for (index_t r = 0; r < rows; ++r) {
            T* z = pre + r * cols;
            T* a = post + r * cols;
            for (index_t j = c0; j < c1; ++j) {
                if (bias) z[j] += bias[j];
                a[j] = Policy::forward(z[j], param);
            }
        }
    });
}

// Batch norm of columns [c0, c1) of `pre` (which holds x W), then the
// activation. Training normalises with the batch's statistics (and folds
// them into the running ones in `running_out` when given); inference uses
// the running ones in `buffers`.
template <class T>
void batch_norm_activation(const Layer& layer, const T* params, const T* buffers, T* running_out, LayerCache<T>& cache,
                           index_t rows, index_t c0, index_t c1, const ForwardOptions& options) {
    const index_t cols = layer.n_out;
    const T* bias = params + layer.bias_offset;
    const T* gamma = params + layer.gamma_offset;
    const T* beta = params + layer.beta_offset;
    const T* running_mean = buffers + layer.running_offset;
    const T* running_var = running_mean + cols;
    T* pre = cache.pre.data();
    T* inv_std = cache.inv_std.data();
    T* mean = cache.column_a.data();
    T* var = cache.column_b.data();
    std::fill(mean + c0, mean + c1, T(0));
    std::fill(var + c0, var + c1, T(0));

    if (options.mode == Mode::train) {
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = c0; j < c1; ++j) mean[j] += pre[r * cols + j] + bias[j];
        for (index_t j = c0; j < c1; ++j) mean[j] /= static_cast<T>(rows);
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = c0; j < c1; ++j) {
                const T centred = pre[r * cols + j] + bias[j] - mean[j];
                var[j] += centred * centred;
            }
        for (index_t j = c0; j < c1; ++j) {
            var[j] /= static_cast<T>(rows);
            inv_std[j] = T(1) / std::sqrt(var[j] + static_cast<T>(options.bn_epsilon));
        }
        if (running_out != nullptr) {
            const T m = static_cast<T>(options.bn_momentum);
            // Running variance is the unbiased estimate, as in PyTorch.
            const T unbias = rows > 1 ? static_cast<T>(rows) / static_cast<T>(rows - 1) : T(1);
            T* new_mean = running_out + layer.running_offset;
            T* new_var = new_mean + cols;
            for (index_t j = c0; j < c1; ++j) {
                new_mean[j] = (T(1) - m) * running_mean[j] + m * mean[j];
                new_var[j] = (T(1) - m) * running_var[j] + m * var[j] * unbias;
            }
        }
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = c0; j < c1; ++j) {
                const T xhat = (pre[r * cols + j] + bias[j] - mean[j]) * inv_std[j];
                cache.xhat[r * cols + j] = xhat;
                pre[r * cols + j] = gamma[j] * xhat + beta[j];
            }
    } else {
        for (index_t j = c0; j < c1; ++j) inv_std[j] = T(1) / std::sqrt(running_var[j] + static_cast<T>(options.bn_epsilon));
        // xhat is kept for a backward pass in inference mode (the input
        // gradient of a network as it predicts).
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = c0; j < c1; ++j) {
                const T xhat = (pre[r * cols + j] + bias[j] - running_mean[j]) * inv_std[j];
                cache.xhat[r * cols + j] = xhat;
                pre[r * cols + j] = gamma[j] * xhat + beta[j];
            }
    }
    const T param = static_cast<T>(layer.activation_param);
    with_activation(layer.activation, [&](auto policy) {
        using Policy = decltype(policy);
        T* post = cache.post.data();
        for (index_t r = 0; r < rows; ++r)
            for (index_t j = c0; j < c1; ++j) post[r * cols + j] = Policy::forward(pre[r * cols + j], param);
    });
}

template <class T>
void apply_dropout(const Layer& layer, size_t layer_index, LayerCache<T>& cache, index_t rows, index_t c0, index_t c1,
                   const ForwardOptions& options) {
    const double p = layer.dropout;
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const std::uint64_t key = mix64(mix64(options.dropout_seed ^ mix64(options.dropout_stream)) + layer_index);
    const index_t cols = layer.n_out;
    for (index_t r = 0; r < rows; ++r)
        for (index_t j = c0; j < c1; ++j) {
            const index_t i = r * cols + j;
            const double u = static_cast<double>(mix64(key + static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL) >> 11) *
                             0x1.0p-53;
            const T m = u >= p ? keep_scale : T(0);
            cache.mask[i] = m;
            cache.dropped[i] = cache.post[i] * m;
        }
}

template <class T>
void zero_layer_grads(const Layer& layer, T* grads, index_t c0, index_t c1) {
    std::fill(grads + layer.weight_offset + c0 * layer.n_in, grads + layer.weight_offset + c1 * layer.n_in, T(0));
    if (layer.has_bias()) std::fill(grads + layer.bias_offset + c0, grads + layer.bias_offset + c1, T(0));
    if (layer.batch_norm) {
        std::fill(grads + layer.gamma_offset + c0, grads + layer.gamma_offset + c1, T(0));
        std::fill(grads + layer.beta_offset + c0, grads + layer.beta_offset + c1, T(0));
    }
}

// Both forward entry points: `running_out` is null, or `buffers` itself
// when a training step folds the batch statistics into the running ones.
template <class T>
const T* forward_pass(const Network& net, const T* x, index_t rows, const T* params, const T* buffers, T* running_out,
                      Workspace<T>& ws, const ForwardOptions& options, const Team& team) {
    const T* input = x;
    if (team.id == 0) ws.mode = options.mode;  // for backward, which reads it after this pass's barriers
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        LayerCache<T>& cache = ws.layers[l];
        const auto [c0, c1] = team.share(layer.n_out);
        if (c0 < c1) {
            // W is stored n_out x n_in (as PyTorch's Linear), so this member's
            // columns of x W^T use a contiguous block of W's rows.
            blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(c1 - c0), static_cast<int>(layer.n_in),
                       T(1), input, static_cast<int>(layer.n_in), params + layer.weight_offset + c0 * layer.n_in,
                       static_cast<int>(layer.n_in), T(0), cache.pre.data() + c0, static_cast<int>(layer.n_out));
            if (layer.batch_norm)
                batch_norm_activation(layer, params, buffers, running_out, cache, rows, c0, c1, options);
            else
                bias_activation(layer, params, cache.pre.data(), cache.post.data(), rows, c0, c1);
            if (layer.dropout > 0) {
                if (options.mode == Mode::train) {
                    apply_dropout(layer, l, cache, rows, c0, c1, options);
                } else {
                    for (index_t r = 0; r < rows; ++r)
                        std::copy(cache.post.begin() + r * layer.n_out + c0, cache.post.begin() + r * layer.n_out + c1,
                                  cache.dropped.begin() + r * layer.n_out + c0);
                }
            }
        }
        barrier();
        input = layer_output(layer, cache);
    }
    return input;
}

}  // namespace

template <class T>
const T* forward(const Network& net, const T* x, index_t rows, const T* params, const T* buffers, Workspace<T>& ws,
                 const ForwardOptions& options, const Team& team) {
    return forward_pass(net, x, rows, params, buffers, static_cast<T*>(nullptr), ws, options, team);
}

template <class T>
const T* forward_updating_statistics(const Network& net, const T* x, index_t rows, const T* params, T* buffers,
                                     Workspace<T>& ws, const ForwardOptions& options, const Team& team) {
    ForwardOptions training = options;
    training.mode = Mode::train;
    return forward_pass(net, x, rows, params, buffers, buffers, ws, training, team);
}

template <class T>
void backward(const Network& net, const T* x, index_t rows, const T* params, T* grads, Workspace<T>& ws,
              const Team& team, T* grad_input) {
    // Layers below the first trainable one need no input gradient, unless
    // the caller asks for the gradient with respect to x.
    size_t first_trainable = net.layers.size();
    for (size_t l = 0; l < net.layers.size(); ++l)
        if (net.layers[l].trains()) {
            first_trainable = l;
            break;
        }
    if (grad_input != nullptr) first_trainable = 0;
    T* grad_out = ws.grad_out.data();
    T* grad_in = ws.grad_in.data();
    for (size_t l = net.layers.size(); l-- > 0;) {
        const Layer& layer = net.layers[l];
        LayerCache<T>& cache = ws.layers[l];
        const index_t cols = layer.n_out;
        const T* input = l == 0 ? x : layer_output(net.layers[l - 1], ws.layers[l - 1]);
        const auto [c0, c1] = team.share(cols);
        // This member's units [c0, frozen_end) are frozen (zero gradients);
        // [frozen_end, c1) train.
        const index_t frozen_end = std::clamp(layer.trained_from(), c0, c1);
        if (c0 < c1) {
            // Through dropout and the activation, in one pass over this
            // member's columns: grad_out becomes d loss / d (activation input).
            const T param = static_cast<T>(layer.activation_param);
            const bool training = ws.mode == Mode::train;
            const T* mask = layer.dropout > 0 && training ? cache.mask.data() : nullptr;
            with_activation(layer.activation, [&](auto policy) {
                using Policy = decltype(policy);
                for (index_t r = 0; r < rows; ++r)
                    for (index_t j = c0; j < c1; ++j) {
                        const index_t i = r * cols + j;
                        const T g = mask ? grad_out[i] * mask[i] : grad_out[i];
                        grad_out[i] = g * Policy::derivative(cache.pre[i], cache.post[i], param);
                    }
            });
            if (layer.batch_norm) {
                // Through the normalisation: d loss / d (x W + b).
                const T* gamma = params + layer.gamma_offset;
                T* sum_dy = cache.column_a.data();
                T* sum_dy_xhat = cache.column_b.data();
                std::fill(sum_dy + c0, sum_dy + c1, T(0));
                std::fill(sum_dy_xhat + c0, sum_dy_xhat + c1, T(0));
                for (index_t r = 0; r < rows; ++r)
                    for (index_t j = c0; j < c1; ++j) {
                        sum_dy[j] += grad_out[r * cols + j];
                        sum_dy_xhat[j] += grad_out[r * cols + j] * cache.xhat[r * cols + j];
                    }
                if (grads != nullptr) {
                    std::copy(sum_dy_xhat + frozen_end, sum_dy_xhat + c1, grads + layer.gamma_offset + frozen_end);
                    std::copy(sum_dy + frozen_end, sum_dy + c1, grads + layer.beta_offset + frozen_end);
                }
                // Training normalised with the batch's own mean and variance,
                // which depend on every row; inference with constants.
                const T inv_rows = training ? T(1) / static_cast<T>(rows) : T(0);
                for (index_t r = 0; r < rows; ++r)
                    for (index_t j = c0; j < c1; ++j) {
                        const T xhat = cache.xhat[r * cols + j];
                        grad_out[r * cols + j] = gamma[j] * cache.inv_std[j] *
                                                 (grad_out[r * cols + j] - inv_rows * (sum_dy[j] + xhat * sum_dy_xhat[j]));
                    }
            }
            if (grads != nullptr && frozen_end < c1) {
                // dW = grad^T input for this member's trained rows of W, and db = column sums.
                blas::gemm(true, false, static_cast<int>(c1 - frozen_end), static_cast<int>(layer.n_in),
                           static_cast<int>(rows), T(1), grad_out + frozen_end, static_cast<int>(cols), input,
                           static_cast<int>(layer.n_in), T(0), grads + layer.weight_offset + frozen_end * layer.n_in,
                           static_cast<int>(layer.n_in));
                if (layer.has_bias()) {
                    T* db = grads + layer.bias_offset;
                    std::fill(db + frozen_end, db + c1, T(0));
                    for (index_t r = 0; r < rows; ++r)
                        for (index_t j = frozen_end; j < c1; ++j) db[j] += grad_out[r * cols + j];
                }
            }
            if (grads != nullptr) zero_layer_grads(layer, grads, c0, frozen_end);
            // The Fisher information (a team of one) counts every unit of a
            // trainable layer, frozen ones too, as it counts frozen layers.
            if (ws.squares != nullptr && layer.trainable && !layer.batch_norm)
                accumulate_squares(layer, grad_out, input, rows, *ws.squares);
        }
        barrier();
        const bool wants_input = l == 0 && grad_input != nullptr;
        if (!wants_input && (l == 0 || l <= first_trainable)) {
            // Nothing below needs a gradient; frozen layers below get zeros.
            for (size_t below = 0; below < l && grads != nullptr; ++below) {
                const auto [b0, b1] = team.share(net.layers[below].n_out);
                zero_layer_grads(net.layers[below], grads, b0, b1);
            }
            barrier();
            return;
        }
        // d loss / d input = grad W, split over the input's columns.
        T* destination = wants_input ? grad_input : grad_in;
        const auto [i0, i1] = team.share(layer.n_in);
        if (i0 < i1)
            blas::gemm(false, false, static_cast<int>(rows), static_cast<int>(i1 - i0), static_cast<int>(cols), T(1),
                       grad_out, static_cast<int>(cols), params + layer.weight_offset + i0, static_cast<int>(layer.n_in),
                       T(0), destination + i0, static_cast<int>(layer.n_in));
        barrier();
        if (wants_input) return;
        std::swap(grad_out, grad_in);
    }
}

template struct Workspace<float>;
template struct Workspace<double>;
template struct GradientSquares<float>;
template struct GradientSquares<double>;
#define ZOO_INSTANTIATE(T)                                                                                         \
    template const T* forward<T>(const Network&, const T*, index_t, const T*, const T*, Workspace<T>&,             \
                                 const ForwardOptions&, const Team&);                                              \
    template const T* forward_updating_statistics<T>(const Network&, const T*, index_t, const T*, T*, Workspace<T>&, \
                                                     const ForwardOptions&, const Team&);                          \
    template void backward<T>(const Network&, const T*, index_t, const T*, T*, Workspace<T>&, const Team&, T*);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::nn
