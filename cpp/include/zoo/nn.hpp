// The neural-network engine: fully connected networks with batch norm and
// dropout, trained by mini-batch gradient descent. Shared by every zoo model
// with a network (MLP, autoencoder, the RL learners).
//
// All state lives in caller-owned flat arrays:
//   params   every trainable value, layer after layer: W (n_out x n_in,
//            row-major, as PyTorch's Linear.weight), b (n_out), and for
//            batch-norm layers gamma, beta
//   grads    same layout as params
//   state    optimizer moments, n_slots x params.size (see optimizer_slots)
//   buffers  non-trainable values: batch-norm running mean and variance
// The Network below only says where each layer's pieces sit in those arrays.
#pragma once

#include <cstdint>
#include <vector>

namespace zoo::nn {

using index_t = std::int64_t;

enum class Activation : int { identity = 0, relu, leaky_relu, elu, gelu, tanh, sigmoid };
enum class Loss : int { mse = 0, mae, huber, binary_crossentropy, categorical_crossentropy };
enum class Optimizer : int { sgd = 0, adam, adamw, rmsprop, adagrad };

struct Layer {
    index_t n_in = 0;
    index_t n_out = 0;
    Activation activation = Activation::identity;
    double activation_param = 0.0;  // leaky_relu slope, elu alpha
    double dropout = 0.0;           // drop probability on this layer's output (training only)
    bool batch_norm = false;        // between the affine map and the activation
    bool trainable = true;          // frozen layers keep their parameters
    // Output units (rows of W, and their bias and batch-norm values) before
    // this one are frozen even in a trainable layer: they get zero
    // gradients, no penalty and no update. A progressive network's earlier
    // columns are the leading units of each wide layer (Rusu et al. 2016).
    index_t first_trainable_unit = 0;
    index_t weight_offset = 0;      // into params / grads
    index_t bias_offset = 0;        // -1: no bias (a linear model without intercept)
    index_t gamma_offset = -1;      // batch norm scale and shift, -1 without
    index_t beta_offset = -1;
    index_t running_offset = -1;    // into buffers: mean, then variance (n_out each)
    bool has_bias() const { return bias_offset >= 0; }
    // The first unit that trains: n_out when nothing in the layer does.
    index_t trained_from() const {
        return trainable && first_trainable_unit < n_out ? first_trainable_unit : n_out;
    }
    bool trains() const { return trained_from() < n_out; }
};

struct Network {
    std::vector<Layer> layers;
    index_t n_params = 0;
    index_t n_buffers = 0;
    index_t n_inputs() const { return layers.front().n_in; }
    index_t n_outputs() const { return layers.back().n_out; }
    void validate() const;  // throws std::invalid_argument on an inconsistent layout
};

struct OptimizerConfig {
    Optimizer kind = Optimizer::adam;
    double learning_rate = 1e-3;
    double beta1 = 0.9;         // Adam/AdamW first moment; SGD momentum
    double beta2 = 0.999;       // Adam/AdamW second moment; RMSprop rho
    double epsilon = 1e-8;
    double weight_decay = 0.0;  // AdamW decoupled decay (weights only)
    bool nesterov = false;      // SGD
};

// Moment arrays each optimizer keeps per parameter.
int optimizer_slots(const OptimizerConfig& config);

struct TrainConfig {
    Loss loss = Loss::mse;
    double huber_delta = 1.0;
    OptimizerConfig optimizer;
    double l1 = 0.0;             // penalties on weights, not biases
    double l2 = 0.0;
    double clip_norm = 0.0;      // 0: off; global norm of all gradients
    double clip_value = 0.0;     // 0: off
    index_t batch_size = 32;
    bool shuffle = true;
    double bn_momentum = 0.1;    // running = (1 - m) running + m batch
    double bn_epsilon = 1e-5;
    std::uint64_t seed = 0;      // shuffling and dropout masks of this epoch
    int n_threads = 1;
    // Elastic weight consolidation (Kirkpatrick et al. 2017): with both
    // arrays set (n_params float64 values each), the loss gains
    // (anchor_strength / 2) * sum_i anchor_weight[i] * (params[i] - anchor[i])^2
    // over every trainable value, and the gradient anchor_strength *
    // anchor_weight * (params - anchor). The arrays belong to the caller for
    // the duration of one call (the bindings set them; Python never does).
    double anchor_strength = 0.0;
    const double* anchor_weight = nullptr;
    const double* anchor = nullptr;
    bool anchored() const { return anchor_strength != 0 && anchor_weight != nullptr && anchor != nullptr; }
};

// Targets: n x n_outputs values for mse/mae/huber/binary cross-entropy; for
// categorical cross-entropy, n x 1 class indices stored as numbers.
template <class T>
struct Batch {
    const T* x;       // n x n_inputs
    const T* y;       // n x n_targets
    const T* weight;  // n sample weights (class weights already folded in)
    index_t n;
    index_t n_targets;
};

struct EpochSummary {
    double loss = 0.0;      // weighted mean data loss over the epoch + penalty
    double correct = 0.0;   // weighted count of correct argmax / thresholded predictions
    double weight = 0.0;    // total sample weight seen
    double squared_error = 0.0;  // weighted sum of squared residuals (regression losses)
    std::int64_t steps = 0; // optimizer steps taken (the caller's step counter advances by this)
};

// One epoch: shuffle, then for each mini-batch forward, loss, backward,
// penalties, clipping and one optimizer step, all in place. It always runs
// to the end; Python stops training between epochs (Ctrl-C, callbacks).
template <class T>
EpochSummary train_epoch(const Network& net, const Batch<T>& data, T* params, T* grads, T* state,
                         std::int64_t step, T* buffers, const TrainConfig& config);

// Inference: outputs (logits / raw values) for every row, batch norm with
// running statistics, no dropout.
template <class T>
void predict(const Network& net, const T* x, index_t n, const T* params, const T* buffers, T* out,
             int n_threads);

// Loss and correct count of a data set in inference mode (validation).
template <class T>
EpochSummary evaluate(const Network& net, const Batch<T>& data, const T* params, const T* buffers,
                      const TrainConfig& config);

// Loss (data + penalty) and its gradient on one batch in training mode,
// with `seed` fixing the dropout masks; updates no parameter or running
// statistic. For gradient checks and custom training loops.
template <class T>
double loss_and_gradient(const Network& net, const Batch<T>& data, const T* params, T* grads,
                         const T* buffers, const TrainConfig& config);

// Diagonal Fisher information, unnormalised: out[p] (n_params, zeroed
// first) = sum_i weight_i * (d loss_i / d params_p)^2 over the rows, where
// loss_i is row i's data loss alone (no penalty) of the network without
// dropout, as it predicts. Batch-norm parameters get no entry (their rows
// interact through the batch), so callers keep batch-norm networks out.
// Blocks of rows run through GEMMs, shared among config.n_threads threads;
// the sum's order, hence its last bits, depends only on that count.
template <class T>
void sample_gradient_squares(const Network& net, const Batch<T>& data, const T* params, const T* buffers,
                             const TrainConfig& config, double* out);

// How a whole-batch pass runs, for training loops written in Python (a GAN's
// two networks, data-parallel workers).
struct PassConfig {
    bool training = false;     // batch statistics and dropout, else running statistics and no dropout
    std::uint64_t seed = 0;    // the dropout masks' seed
    double bn_momentum = 0.1;  // running = (1 - m) running + m batch
    double bn_epsilon = 1e-5;
    int n_threads = 1;
};

// Outputs (n x n_outputs) of the network for `n` rows. In training mode the
// rows are one batch, and with `updated_buffers` (the caller's buffers
// again) its batch statistics are folded into the running ones.
template <class T>
void forward_batch(const Network& net, const T* x, index_t n, const T* params, const T* buffers, T* out,
                   const PassConfig& config, T* updated_buffers = nullptr);

// The chain rule through the network for a loss computed outside it: the
// gradient of sum(grad_output * outputs) with respect to the parameters
// (into `grads`, overwritten; zeros for frozen layers) and, when
// `grad_input` is not null, to the n x n_inputs rows. The forward pass runs
// again with the same configuration (the same dropout masks for the same
// seed, the batch's statistics in training mode), so nothing is kept
// between calls and the running statistics are only read.
template <class T>
void backward_batch(const Network& net, const T* x, index_t n, const T* params, const T* buffers,
                    const T* grad_output, T* grads, T* grad_input, const PassConfig& config);

// Each row's own data loss, as the epoch loop defines it (averaged over
// the outputs for mse, mae, Huber and binary cross-entropy), from raw
// outputs (logits for the cross-entropies) and targets as Batch holds them;
// out has n values. Throws std::invalid_argument for targets the loss
// cannot take.
template <class T>
void sample_losses(Loss loss, double huber_delta, const T* outputs, const T* targets, index_t n, index_t n_outputs,
                   double* out);

// One optimizer step from `grads` (penalties and clipping already applied).
template <class T>
void optimizer_step(const Network& net, T* params, const T* grads, T* state, std::int64_t step,
                    const OptimizerConfig& config);

}  // namespace zoo::nn
