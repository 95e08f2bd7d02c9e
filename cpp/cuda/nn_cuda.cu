// The GPU epoch loop of nn_cuda.hpp. Kernels are one thread per value (or
// per row for the loss); the products are cuBLAS gemms on row-major arrays
// read as their column-major transposes.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "../src/nn/activations.hpp"
#include "../src/nn/loss_rows.hpp"
#include "../src/nn/optimizer_rules.hpp"
#include "cublas_loader.hpp"
#include "device.hpp"
#include "nn_cuda.hpp"
#include "zoo/rng.hpp"

namespace zoo::cuda {

using zoo::nn::Activation;
using zoo::nn::Loss;
using zoo::nn::Optimizer;

namespace {

template <class T>
__device__ T activate(int kind, T z, T param) {
    using namespace zoo::nn::detail;
    switch (static_cast<Activation>(kind)) {
        case Activation::relu: return Relu::forward(z, param);
        case Activation::leaky_relu: return LeakyRelu::forward(z, param);
        case Activation::elu: return Elu::forward(z, param);
        case Activation::gelu: return Gelu::forward(z, param);
        case Activation::tanh: return Tanh::forward(z, param);
        case Activation::sigmoid: return Sigmoid::forward(z, param);
        default: return Identity::forward(z, param);
    }
}

template <class T>
__device__ T activation_derivative(int kind, T z, T a, T param) {
    using namespace zoo::nn::detail;
    switch (static_cast<Activation>(kind)) {
        case Activation::relu: return Relu::derivative(z, a, param);
        case Activation::leaky_relu: return LeakyRelu::derivative(z, a, param);
        case Activation::elu: return Elu::derivative(z, a, param);
        case Activation::gelu: return Gelu::derivative(z, a, param);
        case Activation::tanh: return Tanh::derivative(z, a, param);
        case Activation::sigmoid: return Sigmoid::derivative(z, a, param);
        default: return Identity::derivative(z, a, param);
    }
}

// out[r, :] = source[order[start + r], :] for rows r of a batch.
template <class T>
__global__ void gather_rows(const T* source, std::int64_t width, const std::int64_t* order, std::int64_t start,
                            std::int64_t rows, T* out) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= rows * width) return;
    const std::int64_t r = i / width, c = i % width;
    out[i] = source[order[start + r] * width + c];
}

// z += bias (when there is one), a = activation(z), over rows x n_out.
template <class T>
__global__ void bias_activation(T* z, T* a, const T* bias, std::int64_t rows, std::int64_t n_out, int kind, T param) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= rows * n_out) return;
    if (bias) z[i] += bias[i % n_out];
    a[i] = activate(kind, z[i], param);
}

// grad (d loss / d a, in place) becomes d loss / d z.
template <class T>
__global__ void activation_backward(T* grad, const T* z, const T* a, std::int64_t count, int kind, T param) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) grad[i] *= activation_derivative(kind, z[i], a[i], param);
}

// bias_grad[j] = sum over rows of dz[r, j].
template <class T>
__global__ void column_sums(const T* dz, std::int64_t rows, std::int64_t n_out, T* bias_grad) {
    const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (j >= n_out) return;
    T total = 0;
    for (std::int64_t r = 0; r < rows; ++r) total += dz[r * n_out + j];
    bias_grad[j] = total;
}

// Each row's loss and its gradient (scaled by its weight over the batch's),
// with the weighted loss, correct count and squared error summed into
// totals[0..2].
template <class T>
__global__ void row_losses(int loss, double huber_delta, const T* outputs, const T* targets, const T* weight,
                           std::int64_t rows, std::int64_t k, double batch_weight, T* grad, double* totals) {
    using namespace zoo::nn::detail;
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    double weighted_loss = 0.0, correct_weight = 0.0, squared = 0.0;
    if (i < rows) {
        const double w = static_cast<double>(weight[i]);
        const double scale = w / batch_weight;
        const T* z = outputs + i * k;
        T* g = grad + i * k;
        bool correct = false;
        double value;
        if (loss == static_cast<int>(Loss::categorical_crossentropy)) {
            value = categorical_crossentropy(z, k, static_cast<std::int64_t>(targets[i]), g, scale, correct);
        } else if (loss == static_cast<int>(Loss::binary_crossentropy)) {
            value = binary_crossentropy(z, targets + i * k, k, g, scale, correct);
        } else {
            double squared_error = 0.0;
            value = regression(static_cast<Loss>(loss), huber_delta, z, targets + i * k, k, g, scale, squared_error);
            squared = w * squared_error;
        }
        weighted_loss = w * value;
        correct_weight = correct ? w : 0.0;
    }
    block_add(weighted_loss, totals);
    block_add(correct_weight, totals + 1);
    block_add(squared, totals + 2);
}

template <class T>
__global__ void fill(T* values, std::int64_t count, T value) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) values[i] = value;
}

// Penalty gradients (weights only) and value clipping on one piece; the
// squares of the finished gradients summed into *squares.
template <class T>
__global__ void finish_piece(const T* params, T* grads, std::int64_t length, bool decays, T l1, T twice_l2, T limit,
                             double* squares) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    double square = 0.0;
    if (i < length) {
        T g = grads[i];
        const T w = params[i];
        if (decays) g += l1 * static_cast<T>((w > T(0)) - (w < T(0))) + twice_l2 * w;
        if (limit > T(0)) g = g < -limit ? -limit : (g > limit ? limit : g);
        grads[i] = g;
        square = static_cast<double>(g) * static_cast<double>(g);
    }
    block_add(square, squares);
}

// Global-norm clipping: every gradient times clip / norm when the norm exceeds clip.
template <class T>
__global__ void clip_to_norm(T* grads, std::int64_t length, const double* squares, double clip) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    const double norm = sqrt(*squares);
    if (i < length && norm > clip) grads[i] *= static_cast<T>(clip / norm);
}

template <class T>
struct UpdateRule {
    int kind;
    T lr, beta1, beta2, eps, keep;  // keep: AdamW's decay factor (1 when none)
    bool nesterov;
    zoo::nn::detail::AdamFactors<T> adam;
};

template <class T>
__global__ void update_piece(T* p, const T* g, T* s0, T* s1, std::int64_t length, UpdateRule<T> rule, bool decays) {
    using namespace zoo::nn::detail;
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= length) return;
    switch (static_cast<Optimizer>(rule.kind)) {
        case Optimizer::sgd:
            if (rule.beta1 == T(0)) p[i] -= rule.lr * g[i];
            else sgd_momentum_rule(p[i], g[i], s0[i], rule.lr, rule.beta1, rule.nesterov);
            return;
        case Optimizer::adam:
        case Optimizer::adamw:
            if (decays) p[i] *= rule.keep;
            adam_rule(p[i], g[i], s0[i], s1[i], rule.beta1, rule.beta2, rule.adam, rule.eps);
            return;
        case Optimizer::rmsprop: rmsprop_rule(p[i], g[i], s0[i], rule.lr, rule.beta2, rule.eps); return;
        case Optimizer::adagrad: adagrad_rule(p[i], g[i], s0[i], rule.lr, rule.eps); return;
    }
}

struct Piece {
    std::int64_t offset, length;
    bool decays;  // a weight matrix (penalties, AdamW's decay), not a bias
};

// One batch's device arrays: per layer its pre-activations z and outputs a,
// the gathered inputs, targets and weights, and the two gradient buffers
// the backward pass alternates between. Reused by every batch and epoch.
template <class T>
struct Workspace {
    std::int64_t rows;
    std::vector<DeviceBuffer<T>> z, a;
    DeviceBuffer<T> xb, yb, wb, upstream, downstream;

    Workspace(const std::vector<DenseLayer>& layers, std::int64_t rows_, std::int64_t d, std::int64_t t,
              std::int64_t widest)
        : rows(rows_),
          xb(static_cast<std::size_t>(rows_ * d)),
          yb(static_cast<std::size_t>(rows_ * t)),
          wb(static_cast<std::size_t>(rows_)),
          upstream(static_cast<std::size_t>(rows_ * widest)),
          downstream(static_cast<std::size_t>(rows_ * widest)) {
        for (const DenseLayer& layer : layers) {
            z.emplace_back(static_cast<std::size_t>(rows_ * layer.n_out));
            a.emplace_back(static_cast<std::size_t>(rows_ * layer.n_out));
        }
    }
};

}  // namespace

template <class T>
struct NetworkTrainer<T>::Impl {
    std::vector<DenseLayer> layers;
    std::int64_t n_params;
    int n_slots;
    const Cublas& blas;
    std::vector<Piece> pieces;  // what trains, as for_each_owned_piece lists it
    std::int64_t n = 0, n_targets = 0;
    std::vector<T> host_weight;
    std::unique_ptr<DeviceBuffer<T>> x, targets, weight;
    // Parameters, gradients and moments: allocated once per trainer.
    DeviceBuffer<T> params_d, grads_d, state_d;
    DeviceBuffer<double> totals{3}, squares{1};
    std::unique_ptr<Workspace<T>> work;  // the batch's activations, sized for the largest batch seen

    Workspace<T>& workspace(std::int64_t rows) {
        if (!work || work->rows < rows) {
            std::int64_t widest = layers.front().n_in;  // the gradient buffers hold one layer's width
            for (const DenseLayer& layer : layers) widest = std::max(widest, layer.n_out);
            work = std::make_unique<Workspace<T>>(layers, rows, layers.front().n_in, std::max<std::int64_t>(n_targets, 1),
                                                  widest);
        }
        return *work;
    }

    Impl(std::vector<DenseLayer> layers_, std::int64_t n_params_, int n_slots_, const std::vector<std::string>& paths)
        : layers(std::move(layers_)),
          n_params(n_params_),
          n_slots(n_slots_),
          blas(cublas(paths)),
          params_d(static_cast<std::size_t>(n_params_)),
          grads_d(static_cast<std::size_t>(n_params_)),
          state_d(static_cast<std::size_t>(n_params_) * static_cast<std::size_t>(n_slots_)) {
        if (layers.empty()) throw std::invalid_argument("a network needs at least one layer");
        for (const DenseLayer& layer : layers) {
            if (layer.trained_from >= layer.n_out) continue;
            const std::int64_t c0 = layer.trained_from;
            pieces.push_back({layer.weight_offset + c0 * layer.n_in, (layer.n_out - c0) * layer.n_in, true});
            if (layer.bias_offset >= 0) pieces.push_back({layer.bias_offset + c0, layer.n_out - c0, false});
        }
    }

    // Z = in W^T (+ bias, activation into A) for every layer; returns the outputs.
    const T* forward(const T* in, std::int64_t rows, const T* params, std::vector<DeviceBuffer<T>>& z,
                     std::vector<DeviceBuffer<T>>& a) {
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const DenseLayer& layer = layers[l];
            gemm(blas, kTrans, kNoTrans, static_cast<int>(layer.n_out), static_cast<int>(rows),
                 static_cast<int>(layer.n_in), params + layer.weight_offset, static_cast<int>(layer.n_in), in,
                 static_cast<int>(layer.n_in), z[l].data(), static_cast<int>(layer.n_out));
            const std::size_t count = static_cast<std::size_t>(rows * layer.n_out);
            bias_activation<T><<<blocks_for(count), kBlockThreads>>>(
                z[l].data(), a[l].data(), layer.bias_offset >= 0 ? params + layer.bias_offset : nullptr, rows,
                layer.n_out, layer.activation, static_cast<T>(layer.activation_param));
            in = a[l].data();
        }
        check(cudaGetLastError(), "forward kernels");
        return in;
    }
};

template <class T>
NetworkTrainer<T>::NetworkTrainer(std::vector<DenseLayer> layers, std::int64_t n_params, int n_slots,
                                  std::vector<std::string> cublas_paths)
    : impl_(std::make_unique<Impl>(std::move(layers), n_params, n_slots, cublas_paths)) {}

template <class T>
NetworkTrainer<T>::~NetworkTrainer() = default;

template <class T>
void NetworkTrainer<T>::set_data(const T* x, const T* targets, const T* weight, std::int64_t n,
                                 std::int64_t n_targets) {
    Impl& m = *impl_;
    if (n < 1) throw std::invalid_argument("no samples");
    m.n = n;
    m.n_targets = n_targets;
    m.x = std::make_unique<DeviceBuffer<T>>(static_cast<std::size_t>(n * m.layers.front().n_in));
    m.targets = std::make_unique<DeviceBuffer<T>>(static_cast<std::size_t>(n * n_targets));
    m.weight = std::make_unique<DeviceBuffer<T>>(static_cast<std::size_t>(n));
    m.x->upload(x);
    m.targets->upload(targets);
    m.weight->upload(weight);
    m.host_weight.assign(weight, weight + n);
    m.work.reset();  // the targets' width may have changed
}

template <class T>
void NetworkTrainer<T>::set_inputs(const T* x, std::int64_t n, std::int64_t n_in) {
    Impl& m = *impl_;
    if (!m.x) throw std::logic_error("set_data first");
    if (n != m.n || n_in != m.layers.front().n_in)
        throw std::invalid_argument("set_inputs takes as many rows and columns as set_data had");
    m.x->upload(x);
}

template <class T>
EpochResult NetworkTrainer<T>::train_epoch(T* params, T* state, std::int64_t step, const NetworkTraining& config) {
    Impl& m = *impl_;
    if (!m.x) throw std::logic_error("set_data first");
    if (config.batch_size < 1) throw std::invalid_argument("batch_size must be >= 1");
    const std::int64_t n = m.n, d = m.layers.front().n_in, t = m.n_targets, k = m.layers.back().n_out;
    const std::int64_t batch = std::min(config.batch_size, n);
    const std::int64_t n_batches = (n + batch - 1) / batch;

    // The CPU engine's order: Fisher-Yates with zoo's Rng from the epoch seed.
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t(0));
    Rng rng(config.seed);
    if (config.shuffle)
        for (std::int64_t i = n - 1; i > 0; --i)
            std::swap(order[static_cast<std::size_t>(i)], order[rng.below(static_cast<std::uint64_t>(i + 1))]);
    DeviceBuffer<std::int64_t> order_d(order.size());
    order_d.upload(order.data());

    DeviceBuffer<T>&params_d = m.params_d, &grads_d = m.grads_d, &state_d = m.state_d;
    params_d.upload(params);
    if (m.n_slots > 0) state_d.upload(state);
    grads_d.zero();
    Workspace<T>& work = m.workspace(batch);
    std::vector<DeviceBuffer<T>>&z = work.z, &a = work.a;
    DeviceBuffer<T>&xb = work.xb, &yb = work.yb, &wb = work.wb;
    DeviceBuffer<T>*upstream = &work.upstream, *downstream = &work.downstream;
    DeviceBuffer<double>&totals = m.totals, &squares = m.squares;
    totals.zero();

    const T lr = static_cast<T>(config.learning_rate);
    nn::OptimizerConfig optimizer;
    optimizer.kind = static_cast<Optimizer>(config.optimizer);
    optimizer.learning_rate = config.learning_rate;
    optimizer.beta1 = config.beta1;
    optimizer.beta2 = config.beta2;
    const bool adamw_decays = optimizer.kind == Optimizer::adamw && config.weight_decay > 0;
    T* slot0 = state_d.data();
    T* slot1 = m.n_slots > 1 ? state_d.data() + m.n_params : nullptr;

    std::int64_t taken = 0;
    double seen_weight = 0.0;
    for (std::int64_t b = 0; b < n_batches; ++b) {
        const std::int64_t start = b * batch, rows = std::min(batch, n - start);
        double batch_weight = 0.0;  // in the CPU engine's order
        for (std::int64_t r = 0; r < rows; ++r)
            batch_weight += static_cast<double>(m.host_weight[static_cast<std::size_t>(order[static_cast<std::size_t>(start + r)])]);
        if (!(batch_weight > 0)) continue;  // nothing to learn from zero-weight rows
        gather_rows<T><<<blocks_for(static_cast<std::size_t>(rows * d)), kBlockThreads>>>(m.x->data(), d, order_d.data(),
                                                                                          start, rows, xb.data());
        gather_rows<T><<<blocks_for(static_cast<std::size_t>(rows * t)), kBlockThreads>>>(
            m.targets->data(), t, order_d.data(), start, rows, yb.data());
        gather_rows<T><<<blocks_for(static_cast<std::size_t>(rows)), kBlockThreads>>>(m.weight->data(), 1, order_d.data(),
                                                                                      start, rows, wb.data());
        const T* outputs = m.forward(xb.data(), rows, params_d.data(), z, a);
        row_losses<T><<<blocks_for(static_cast<std::size_t>(rows)), kBlockThreads>>>(
            config.loss, config.huber_delta, outputs, yb.data(), wb.data(), rows, k, batch_weight, upstream->data(),
            totals.data());
        // Backward, last layer first: upstream holds d loss / d a of the layer.
        for (std::size_t l = m.layers.size(); l-- > 0;) {
            const DenseLayer& layer = m.layers[l];
            const std::size_t count = static_cast<std::size_t>(rows * layer.n_out);
            activation_backward<T><<<blocks_for(count), kBlockThreads>>>(upstream->data(), z[l].data(), a[l].data(),
                                                                         static_cast<std::int64_t>(count), layer.activation,
                                                                         static_cast<T>(layer.activation_param));
            const T* input = l == 0 ? xb.data() : a[l - 1].data();
            // dW (n_out x n_in, row-major) = dz^T input.
            gemm(m.blas, kNoTrans, kTrans, static_cast<int>(layer.n_in), static_cast<int>(layer.n_out),
                 static_cast<int>(rows), input, static_cast<int>(layer.n_in), upstream->data(),
                 static_cast<int>(layer.n_out), grads_d.data() + layer.weight_offset, static_cast<int>(layer.n_in));
            if (layer.bias_offset >= 0)
                column_sums<T><<<blocks_for(static_cast<std::size_t>(layer.n_out)), kBlockThreads>>>(
                    upstream->data(), rows, layer.n_out, grads_d.data() + layer.bias_offset);
            if (l > 0) {
                // d loss / d input (rows x n_in) = dz W.
                gemm(m.blas, kNoTrans, kNoTrans, static_cast<int>(layer.n_in), static_cast<int>(rows),
                     static_cast<int>(layer.n_out), params_d.data() + layer.weight_offset, static_cast<int>(layer.n_in),
                     upstream->data(), static_cast<int>(layer.n_out), downstream->data(), static_cast<int>(layer.n_in));
                std::swap(upstream, downstream);
            }
        }
        // Penalties and clipping, then the update, on the pieces that train.
        squares.zero();
        for (const Piece& piece : m.pieces)
            finish_piece<T><<<blocks_for(static_cast<std::size_t>(piece.length)), kBlockThreads>>>(
                params_d.data() + piece.offset, grads_d.data() + piece.offset, piece.length, piece.decays,
                static_cast<T>(config.l1), static_cast<T>(2 * config.l2), static_cast<T>(config.clip_value),
                squares.data());
        if (config.clip_norm > 0)
            for (const Piece& piece : m.pieces)
                clip_to_norm<T><<<blocks_for(static_cast<std::size_t>(piece.length)), kBlockThreads>>>(
                    grads_d.data() + piece.offset, piece.length, squares.data(), config.clip_norm);
        UpdateRule<T> rule{config.optimizer,
                           lr,
                           static_cast<T>(config.beta1),
                           static_cast<T>(config.beta2),
                           static_cast<T>(config.epsilon),
                           static_cast<T>(adamw_decays ? 1.0 - config.learning_rate * config.weight_decay : 1.0),
                           config.nesterov,
                           nn::detail::AdamFactors<T>::at(optimizer, step + taken + 1)};
        for (const Piece& piece : m.pieces)
            update_piece<T><<<blocks_for(static_cast<std::size_t>(piece.length)), kBlockThreads>>>(
                params_d.data() + piece.offset, grads_d.data() + piece.offset, slot0 ? slot0 + piece.offset : nullptr,
                slot1 ? slot1 + piece.offset : nullptr, piece.length, rule, piece.decays);
        check(cudaGetLastError(), "training kernels");
        ++taken;
        seen_weight += batch_weight;
    }

    double sums[3];
    totals.download(sums);
    params_d.download(params);
    if (m.n_slots > 0) state_d.download(state);
    EpochResult result;
    result.weight = seen_weight;
    result.steps = taken;
    result.loss = seen_weight > 0 ? sums[0] / seen_weight : 0.0;
    result.correct = sums[1];
    result.squared_error = sums[2];
    // The penalty of the weights after the epoch, as the CPU engine adds it.
    double l1 = 0.0, l2 = 0.0;
    for (const DenseLayer& layer : m.layers)
        for (std::int64_t i = 0; i < layer.n_in * layer.n_out; ++i) {
            const double w = static_cast<double>(params[layer.weight_offset + i]);
            l1 += std::abs(w);
            l2 += w * w;
        }
    result.loss += config.l1 * l1 + config.l2 * l2;
    return result;
}

template <class T>
void NetworkTrainer<T>::predict(const T* params, const T* x, std::int64_t n, T* out) {
    Impl& m = *impl_;
    constexpr std::int64_t kRows = 4096;
    const std::int64_t d = m.layers.front().n_in, k = m.layers.back().n_out, block = std::min(kRows, n);
    m.params_d.upload(params);
    Workspace<T>& work = m.workspace(block);
    for (std::int64_t start = 0; start < n; start += block) {
        const std::int64_t rows = std::min(block, n - start);
        check(cudaMemcpy(work.xb.data(), x + start * d, static_cast<std::size_t>(rows * d) * sizeof(T),
                         cudaMemcpyHostToDevice),
              "upload");
        const T* outputs = m.forward(work.xb.data(), rows, m.params_d.data(), work.z, work.a);
        check(cudaMemcpy(out + start * k, outputs, static_cast<std::size_t>(rows * k) * sizeof(T), cudaMemcpyDeviceToHost),
              "download");
    }
}

template class NetworkTrainer<float>;
template class NetworkTrainer<double>;

}  // namespace zoo::cuda
