// Forward and backward passes over a Network, with the per-batch workspace
// they share (private to cpp/src/nn). The workspace is sized once per call
// for the largest batch, so the batch loop never allocates.
#pragma once

#include <vector>

#include "zoo/nn.hpp"
#include "zoo/rng.hpp"

namespace zoo::nn::detail {

// What one layer keeps from its forward pass for the backward pass.
template <class T>
struct LayerCache {
    std::vector<T> pre;      // activation input (after batch norm), rows x n_out
    std::vector<T> post;     // activation output, rows x n_out
    std::vector<T> dropped;  // post times the dropout mask (the next layer's input)
    std::vector<T> mask;     // dropout multipliers: 0 or 1 / (1 - p)
    std::vector<T> xhat;     // batch-norm normalised values
    std::vector<T> inv_std;  // batch-norm 1 / sqrt(var + eps), n_out
    std::vector<T> column_a; // batch-norm scratch, n_out: means, then gradient sums
    std::vector<T> column_b; // batch-norm scratch, n_out: variances, then gradient sums
};

template <class T>
struct Workspace {
    Workspace(const Network& net, index_t max_rows);

    index_t max_rows;
    std::vector<LayerCache<T>> layers;
    std::vector<T> grad_out;  // d loss / d (current layer output), rows x widest layer
    std::vector<T> grad_in;   // d loss / d (current layer input)
    std::vector<T> x, y, weight;  // a gathered mini-batch
};

enum class Mode { train, infer };

struct ForwardOptions {
    Mode mode = Mode::infer;
    double bn_momentum = 0.1;
    double bn_epsilon = 1e-5;
    bool update_running_stats = false;  // training epochs only, not gradient checks
    Rng* dropout_rng = nullptr;         // training with dropout
};

// Runs `rows` inputs through the network; returns the outputs (rows x
// n_outputs), which stay valid until the next forward pass.
template <class T>
const T* forward(const Network& net, const T* x, index_t rows, const T* params, T* buffers, Workspace<T>& ws,
                 const ForwardOptions& options);

// Backpropagates d loss / d outputs, given in ws.grad_out, into `grads`
// (overwritten; frozen layers get zeros). Needs the forward pass's caches.
template <class T>
void backward(const Network& net, const T* x, index_t rows, const T* params, T* grads, Workspace<T>& ws);

// Calls body(offset, length, decays) for each contiguous piece of trainable
// parameters; `decays` marks weight matrices (penalised and decayed).
template <class Body>
void for_each_trainable_segment(const Network& net, Body&& body) {
    for (const Layer& layer : net.layers) {
        if (!layer.trainable) continue;
        body(layer.weight_offset, layer.n_in * layer.n_out, true);
        body(layer.bias_offset, layer.n_out, false);
        if (layer.batch_norm) {
            body(layer.gamma_offset, layer.n_out, false);
            body(layer.beta_offset, layer.n_out, false);
        }
    }
}

}  // namespace zoo::nn::detail
