// Forward and backward passes over a Network, with the per-batch workspace
// they share (private to cpp/src/nn).
//
// Threads: every pass is run by a team of OpenMP threads together. Each
// member owns a slice of every layer's columns: it multiplies its slice
// with single-threaded BLAS and applies bias, batch norm, activation and
// dropout to it, so the team needs only one barrier per layer and
// direction, and the result does not depend on the team's size. The
// workspace is sized once per call, so the batch loop never allocates.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "zoo/nn.hpp"

namespace zoo::nn::detail {

// The calling thread's place in its team (a team of one outside OpenMP).
struct Team {
    int id = 0;
    int size = 1;

    static Team current();
    // This member's share [begin, end) of `count` items; boundaries fall on
    // multiples of 16 (64 bytes of float) so members never share a cache line.
    std::pair<index_t, index_t> share(index_t count) const;
};

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

template <class T>
struct Workspace {
    Workspace(const Network& net, index_t max_rows);

    index_t max_rows;
    std::vector<LayerCache<T>> layers;
    std::vector<T> grad_out;  // d loss / d (current layer output), rows x widest layer
    std::vector<T> grad_in;   // d loss / d (current layer input)
    std::vector<T> x, y, weight;  // a gathered mini-batch
    GradientSquares<T>* squares = nullptr;  // optional, see GradientSquares
};

enum class Mode { train, infer };

struct ForwardOptions {
    Mode mode = Mode::infer;
    double bn_momentum = 0.1;
    double bn_epsilon = 1e-5;
    bool update_running_stats = false;  // training epochs only, not gradient checks
    // Dropout masks come from a counter-based hash of (seed, stream, layer,
    // element), so they do not depend on which thread draws them.
    std::uint64_t dropout_seed = 0;
    std::uint64_t dropout_stream = 0;   // the mini-batch's index
};

// Runs `rows` inputs through the network; returns the outputs (rows x
// n_outputs). Every team member must call it; it ends with a barrier.
template <class T>
const T* forward(const Network& net, const T* x, index_t rows, const T* params, T* buffers, Workspace<T>& ws,
                 const ForwardOptions& options, const Team& team);

// Backpropagates d loss / d outputs, given in ws.grad_out, into `grads`
// (overwritten; frozen layers get zeros). Every team member must call it;
// it ends with a barrier.
template <class T>
void backward(const Network& net, const T* x, index_t rows, const T* params, T* grads, Workspace<T>& ws,
              const Team& team);

// The trainable pieces a team member owns: for each layer, the outputs it
// computes in the forward pass (a block of W's rows, and the matching
// biases and batch-norm parameters). Updating what it computes keeps each
// member's weights, gradients and moments in its own core's cache.
template <class Body>
void for_each_owned_piece(const Network& net, const Team& team, Body&& body) {
    for (const Layer& layer : net.layers) {
        if (!layer.trainable) continue;
        const auto [c0, c1] = team.share(layer.n_out);
        if (c0 >= c1) continue;
        body(layer.weight_offset + c0 * layer.n_in, (c1 - c0) * layer.n_in, true);
        if (layer.has_bias()) body(layer.bias_offset + c0, c1 - c0, false);
        if (layer.batch_norm) {
            body(layer.gamma_offset + c0, c1 - c0, false);
            body(layer.beta_offset + c0, c1 - c0, false);
        }
    }
}

// The optimizer update of the pieces this member owns (a team member calls
// it for its share; a team of one updates everything). In optimizers.cpp.
// Penalty gradients, value clipping and global-norm clipping of the pieces
// this member owns; `norms` has one slot per member (one barrier, only when
// clipping by norm). In train.cpp.
template <class T>
void finish_gradients(const Network& net, const T* params, T* grads, const TrainConfig& config,
                      std::vector<double>& norms, const Team& team);

template <class T>
void optimizer_update(const Network& net, T* params, const T* grads, T* state, std::int64_t step,
                      const OptimizerConfig& config, const Team& team);

}  // namespace zoo::nn::detail
