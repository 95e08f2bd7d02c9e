// Training and inference drivers: a whole epoch of mini-batch steps in one
// call, inference in row blocks, and single-batch gradients for checks.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "losses.hpp"
#include "network.hpp"
#include "zoo/blas.hpp"

namespace zoo::nn {

using namespace detail;

namespace {

// Rows per block when predicting: big enough for efficient GEMMs, small
// enough that the caches of a wide network stay modest.
constexpr index_t kInferenceRows = 1024;

void check_config(const Network& net, const TrainConfig& config) {
    net.validate();
    if (config.batch_size < 1) throw std::invalid_argument("batch_size must be >= 1");
    if (config.n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (!(config.optimizer.learning_rate >= 0)) throw std::invalid_argument("learning_rate must be >= 0");
    if (config.loss == Loss::huber && !(config.huber_delta > 0)) throw std::invalid_argument("huber delta must be > 0");
}

template <class T>
void check_data(const Network& net, const Batch<T>& data, const TrainConfig& config) {
    if (data.n < 1) throw std::invalid_argument("no samples");
    if (data.n_targets != target_columns(config.loss, net.n_outputs()))
        throw std::invalid_argument("targets have the wrong number of columns for this loss");
}

// l1 * sum|W| + l2 * sum W^2 over the weight matrices (not biases).
template <class T>
double penalty_value(const Network& net, const T* params, const TrainConfig& config) {
    if (config.l1 == 0 && config.l2 == 0) return 0.0;
    double l1 = 0.0, l2 = 0.0;
    for (const Layer& layer : net.layers) {
        const T* w = params + layer.weight_offset;
        for (index_t i = 0; i < layer.n_in * layer.n_out; ++i) {
            l1 += std::abs(static_cast<double>(w[i]));
            l2 += static_cast<double>(w[i]) * static_cast<double>(w[i]);
        }
    }
    return config.l1 * l1 + config.l2 * l2;
}

// Adds the penalties' gradient, then clips by value and by global norm.
template <class T>
void finish_gradient(const Network& net, const T* params, T* grads, const TrainConfig& config) {
    if (config.l1 != 0 || config.l2 != 0) {
        const T l1 = static_cast<T>(config.l1), twice_l2 = static_cast<T>(2 * config.l2);
        for (const Layer& layer : net.layers) {
            if (!layer.trainable) continue;
            const T* w = params + layer.weight_offset;
            T* g = grads + layer.weight_offset;
            for (index_t i = 0; i < layer.n_in * layer.n_out; ++i)
                g[i] += l1 * static_cast<T>((w[i] > T(0)) - (w[i] < T(0))) + twice_l2 * w[i];
        }
    }
    if (config.clip_value > 0) {
        const T limit = static_cast<T>(config.clip_value);
        for_each_trainable_segment(net, [&](index_t offset, index_t length, bool) {
            for (index_t i = 0; i < length; ++i) grads[offset + i] = std::clamp(grads[offset + i], -limit, limit);
        });
    }
    if (config.clip_norm > 0) {
        double squares = 0.0;
        for_each_trainable_segment(net, [&](index_t offset, index_t length, bool) {
            for (index_t i = 0; i < length; ++i) squares += static_cast<double>(grads[offset + i]) * grads[offset + i];
        });
        const double norm = std::sqrt(squares);
        if (norm > config.clip_norm) {
            const T scale = static_cast<T>(config.clip_norm / norm);
            for_each_trainable_segment(net, [&](index_t offset, index_t length, bool) {
                for (index_t i = 0; i < length; ++i) grads[offset + i] *= scale;
            });
        }
    }
}

template <class T>
void gather_rows(const T* source, index_t width, const index_t* rows, index_t count, T* out) {
    for (index_t r = 0; r < count; ++r) std::copy(source + rows[r] * width, source + (rows[r] + 1) * width, out + r * width);
}

}  // namespace

template <class T>
EpochSummary train_epoch(const Network& net, const Batch<T>& data, T* params, T* grads, T* state, std::int64_t step,
                         T* buffers, const TrainConfig& config, const InterruptCheck& interrupt) {
    check_config(net, config);
    check_data(net, data, config);
    blas::ThreadCountScope blas_threads(config.n_threads);
    const index_t n = data.n, d = net.n_inputs(), t = data.n_targets, k = net.n_outputs();
    const index_t batch = std::min(config.batch_size, n);

    Rng rng(config.seed);
    std::vector<index_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), index_t(0));
    if (config.shuffle)
        for (index_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<std::uint64_t>(i + 1))]);

    Workspace<T> ws(net, batch);
    ws.x.resize(static_cast<size_t>(batch * d));
    ws.y.resize(static_cast<size_t>(batch * t));
    ws.weight.resize(static_cast<size_t>(batch));
    ForwardOptions options;
    options.mode = Mode::train;
    options.bn_momentum = config.bn_momentum;
    options.bn_epsilon = config.bn_epsilon;
    options.update_running_stats = true;
    options.dropout_rng = &rng;

    EpochSummary summary;
    for (index_t start = 0; start < n; start += batch) {
        check_interrupt(interrupt);
        const index_t rows = std::min(batch, n - start);
        const index_t* picked = order.data() + start;
        gather_rows(data.x, d, picked, rows, ws.x.data());
        gather_rows(data.y, t, picked, rows, ws.y.data());
        gather_rows(data.weight, 1, picked, rows, ws.weight.data());
        double batch_weight = 0.0;
        for (index_t r = 0; r < rows; ++r) batch_weight += static_cast<double>(ws.weight[static_cast<size_t>(r)]);
        if (!(batch_weight > 0)) continue;  // nothing to learn from zero-weight rows

        const T* outputs = forward(net, ws.x.data(), rows, params, buffers, ws, options);
        const LossResult result = apply_loss(config.loss, config.huber_delta, outputs, ws.y.data(), ws.weight.data(),
                                             rows, k, batch_weight, ws.grad_out.data());
        backward(net, ws.x.data(), rows, params, grads, ws);
        finish_gradient(net, params, grads, config);
        optimizer_step(net, params, grads, state, step + summary.steps, config.optimizer);
        summary.loss += result.weighted_loss;
        summary.correct += result.correct;
        summary.squared_error += result.squared_error;
        summary.weight += batch_weight;
        ++summary.steps;
    }
    summary.loss = summary.weight > 0 ? summary.loss / summary.weight : 0.0;
    summary.loss += penalty_value(net, params, config);
    return summary;
}

template <class T>
void predict(const Network& net, const T* x, index_t n, const T* params, const T* buffers, T* out, int n_threads) {
    net.validate();
    if (n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    blas::ThreadCountScope blas_threads(n_threads);
    const index_t block = std::min(kInferenceRows, std::max<index_t>(n, 1));
    Workspace<T> ws(net, block);
    ForwardOptions options;  // inference: running statistics, no dropout
    const index_t k = net.n_outputs();
    for (index_t start = 0; start < n; start += block) {
        const index_t rows = std::min(block, n - start);
        // Inference never writes the buffers; forward's signature is shared with training.
        const T* outputs = forward(net, x + start * net.n_inputs(), rows, params, const_cast<T*>(buffers), ws, options);
        std::copy(outputs, outputs + rows * k, out + start * k);
    }
}

template <class T>
EpochSummary evaluate(const Network& net, const Batch<T>& data, const T* params, const T* buffers,
                      const TrainConfig& config) {
    check_config(net, config);
    check_data(net, data, config);
    const index_t k = net.n_outputs();
    std::vector<T> outputs(static_cast<size_t>(data.n * k));
    predict(net, data.x, data.n, params, buffers, outputs.data(), config.n_threads);
    double total_weight = 0.0;
    for (index_t i = 0; i < data.n; ++i) total_weight += static_cast<double>(data.weight[i]);
    const LossResult result = apply_loss<T>(config.loss, config.huber_delta, outputs.data(), data.y, data.weight, data.n,
                                            k, total_weight, nullptr);
    EpochSummary summary;
    summary.weight = total_weight;
    summary.loss = (total_weight > 0 ? result.weighted_loss / total_weight : 0.0) + penalty_value(net, params, config);
    summary.correct = result.correct;
    summary.squared_error = result.squared_error;
    return summary;
}

template <class T>
double loss_and_gradient(const Network& net, const Batch<T>& data, const T* params, T* grads, const T* buffers,
                         const TrainConfig& config) {
    check_config(net, config);
    check_data(net, data, config);
    blas::ThreadCountScope blas_threads(config.n_threads);
    Workspace<T> ws(net, data.n);
    Rng rng(config.seed);
    ForwardOptions options;
    options.mode = Mode::train;
    options.bn_momentum = config.bn_momentum;
    options.bn_epsilon = config.bn_epsilon;
    options.dropout_rng = &rng;
    double total_weight = 0.0;
    for (index_t i = 0; i < data.n; ++i) total_weight += static_cast<double>(data.weight[i]);
    // Running statistics are not updated, so the buffers stay untouched.
    const T* outputs = forward(net, data.x, data.n, params, const_cast<T*>(buffers), ws, options);
    const LossResult result = apply_loss(config.loss, config.huber_delta, outputs, data.y, data.weight, data.n,
                                         net.n_outputs(), total_weight, ws.grad_out.data());
    backward(net, data.x, data.n, params, grads, ws);
    finish_gradient(net, params, grads, config);
    return (total_weight > 0 ? result.weighted_loss / total_weight : 0.0) + penalty_value(net, params, config);
}

#define ZOO_INSTANTIATE(T)                                                                                          \
    template EpochSummary train_epoch<T>(const Network&, const Batch<T>&, T*, T*, T*, std::int64_t, T*,             \
                                         const TrainConfig&, const InterruptCheck&);                                \
    template void predict<T>(const Network&, const T*, index_t, const T*, const T*, T*, int);                      \
    template EpochSummary evaluate<T>(const Network&, const Batch<T>&, const T*, const T*, const TrainConfig&);     \
    template double loss_and_gradient<T>(const Network&, const Batch<T>&, const T*, T*, const T*, const TrainConfig&);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::nn
