// The network engine's building blocks for training loops written outside
// cpp/src/nn (the RL learners' collect/learn loops): forward and backward
// passes run by a team of threads, the per-batch workspace they share, the
// gradient finish (penalties, clipping) and the optimizer update. zoo/nn.hpp
// has the whole-call entry points (an epoch, a prediction) built from these.
//
// Threads: every pass is run by a team of OpenMP threads together. Each
// member owns a slice of every layer's columns: it multiplies its slice
// with single-threaded BLAS and applies bias, batch norm, activation and
// dropout to it, so the team needs only one barrier per layer and
// direction, and the result does not depend on the team's size. The
// workspace is sized once per call, so a batch loop never allocates.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "zoo/host_device.hpp"
#include "zoo/nn.hpp"

namespace zoo::nn {

// The calling thread's place in its team (a team of one outside OpenMP).
struct Team {
    int id = 0;
    int size = 1;

    static Team current();
    // This member's share [begin, end) of `count` items; boundaries fall on
    // multiples of 16 (64 bytes of float) so members never share a cache line.
    std::pair<index_t, index_t> share(index_t count) const;
};

// How many threads a batch of `batch` rows through `net` is worth: a team
// meets at a barrier per layer and direction, a few microseconds each (far
// more when another process holds the other core), so below about 2^20
// multiply-adds per batch the barriers cost more than the split saves.
// Measured on DQN's CartPole networks (4-64-64-2 at batch 64 ran 1.6 times
// slower on two threads) and on MLPs; the choice depends only on the shapes,
// so a given n_jobs still gives the same result every run.
int team_size_for(const Network& net, index_t batch, int n_threads);

template <class T>
struct LayerCache {
    std::vector<T> pre;      // activation input (after batch norm), rows x n_out
    std::vector<T> post;     // activation output, rows x n_out
    std::vector<T> dropped;  // post times the dropout mask (the next layer's input)
    std::vector<T> mask;     // dropout multipliers: 0 or 1 / (1 - p)
    std::vector<T> xhat;     // batch-norm normalised values
    std::vector<T> inv_std;  // batch-norm 1 / sqrt(var + eps), n_out
    std::vector<T> column_a; // batch-norm scratch, n_out
    std::vector<T> column_b; // batch-norm scratch, n_out
};

// Per-row squared gradients, for the diagonal Fisher information. When a
// workspace points at one, backward (run by a team of one) also adds
// sum_r row_weight[r] * (d loss_r / d theta)^2 into `out` for every weight
// and bias: a row's weight gradient is the outer product of its delta and
// its input, so the sum is one GEMM of squared deltas and squared inputs.
// Batch-norm parameters are left out (rows interact through the batch).
template <class T>
struct GradientSquares {
    GradientSquares(const Network& net, index_t max_rows);

    const T* row_weight = nullptr;  // rows
    T* out = nullptr;               // n_params, accumulated into
    std::vector<T> delta, input;    // scratch, max_rows x widest layer
};

enum class Mode { train, infer };

template <class T>
struct Workspace {
    Workspace(const Network& net, index_t max_rows);

    index_t max_rows;
    Mode mode = Mode::infer;  // of the last forward pass, which backward differentiates
    std::vector<LayerCache<T>> layers;
    std::vector<T> grad_out;  // d loss / d (current layer output), rows x widest layer
    std::vector<T> grad_in;   // d loss / d (current layer input)
    std::vector<T> x, y, weight;  // a gathered mini-batch
    GradientSquares<T>* squares = nullptr;  // optional, see GradientSquares
};

struct ForwardOptions {
    Mode mode = Mode::infer;
    double bn_momentum = 0.1;
    double bn_epsilon = 1e-5;
    // Dropout masks come from a counter-based hash of (seed, stream, layer,
    // element), so they do not depend on which thread draws them.
    std::uint64_t dropout_seed = 0;
    std::uint64_t dropout_stream = 0;   // the mini-batch's index
};

// Runs `rows` inputs through the network; returns the outputs (rows x
// n_outputs), which live in `ws`. `buffers` (the batch-norm running
// statistics) are only read: inference normalises with them, training mode
// with the batch's own statistics. Every team member must call it; it ends
// with a barrier.
template <class T>
const T* forward(const Network& net, const T* x, index_t rows, const T* params, const T* buffers, Workspace<T>& ws,
                 const ForwardOptions& options, const Team& team);

// forward in training mode that also folds each batch-norm layer's batch
// statistics into the running ones in `buffers`: what a training step does.
template <class T>
const T* forward_updating_statistics(const Network& net, const T* x, index_t rows, const T* params, T* buffers,
                                     Workspace<T>& ws, const ForwardOptions& options, const Team& team);

// Backpropagates d loss / d outputs, given in ws.grad_out (rows x
// n_outputs, consumed), through the last forward pass on `ws` into `grads`
// (overwritten; frozen layers and frozen units get zeros). With `grad_input` (rows x
// n_inputs), d loss / d x is written there too, through frozen layers as
// well: what a GAN's generator needs from its discriminator; `grads` may
// then be null, to skip the parameter gradients. Every team member must
// call it; it ends with a barrier.
template <class T>
void backward(const Network& net, const T* x, index_t rows, const T* params, T* grads, Workspace<T>& ws,
              const Team& team, T* grad_input = nullptr);

// The trainable pieces a team member owns: for each layer, the outputs it
// computes in the forward pass (a block of W's rows, and the matching
// biases and batch-norm parameters). Updating what it computes keeps each
// member's weights, gradients and moments in its own core's cache. Frozen
// units (before Layer::first_trainable_unit) are left out: the shares stay
// those of the forward pass, only cut at the first unit that trains.
template <class Body>
void for_each_owned_piece(const Network& net, const Team& team, Body&& body) {
    for (const Layer& layer : net.layers) {
        if (!layer.trains()) continue;
        const auto [share_begin, c1] = team.share(layer.n_out);
        const index_t c0 = share_begin > layer.trained_from() ? share_begin : layer.trained_from();
        if (c0 >= c1) continue;
        body(layer.weight_offset + c0 * layer.n_in, (c1 - c0) * layer.n_in, true);
        if (layer.has_bias()) body(layer.bias_offset + c0, c1 - c0, false);
        if (layer.batch_norm) {
            body(layer.gamma_offset + c0, c1 - c0, false);
            body(layer.beta_offset + c0, c1 - c0, false);
        }
    }
}

// Penalty gradients, value clipping and global-norm clipping of the pieces
// this member owns; `norms` has one slot per member (one barrier, only when
// clipping by norm).
template <class T>
void finish_gradients(const Network& net, const T* params, T* grads, const TrainConfig& config,
                      std::vector<double>& norms, const Team& team);

// The optimizer update of the pieces this member owns (a team of one
// updates everything).
template <class T>
void optimizer_update(const Network& net, T* params, const T* grads, T* state, std::int64_t step,
                      const OptimizerConfig& config, const Team& team);

// A regression loss of one residual r = output - target: returns the loss
// and sets d loss / d output. The one definition of mse, mae and Huber that
// the epoch loop, the temporal-difference losses and the CUDA kernels share.
ZOO_HOST_DEVICE inline double regression_loss(Loss loss, double huber_delta, double r, double& gradient) {
    switch (loss) {
        case Loss::mse:
            gradient = 2.0 * r;
            return r * r;
        case Loss::mae:
            gradient = (r > 0) - (r < 0);
            return r < 0 ? -r : r;
        default: {  // Huber
            const double a = r < 0 ? -r : r;
            gradient = a <= huber_delta ? r : (r < 0 ? -huber_delta : huber_delta);
            return a <= huber_delta ? 0.5 * r * r : huber_delta * (a - 0.5 * huber_delta);
        }
    }
}

}  // namespace zoo::nn
