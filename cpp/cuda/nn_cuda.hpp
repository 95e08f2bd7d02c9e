// Fully connected networks trained on an NVIDIA GPU: the epoch loop of
// zoo::nn::train_epoch (cpp/src/nn/train.cpp) with the data, parameters,
// gradients and optimizer moments on the device. The same shuffle (zoo's
// Rng from the epoch seed), mini-batches, loss rows (loss_rows.hpp),
// activations (activations.hpp), penalties, clipping and optimizer rules
// (optimizer_rules.hpp) as the CPU engine; products by cuBLAS.
//
// Not on the GPU yet: batch norm, dropout and elastic weight consolidation
// (the Python side refuses them with device="cuda").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace zoo::cuda {

struct DenseLayer {
    std::int64_t n_in = 0, n_out = 0;
    int activation = 0;              // zoo::nn::Activation
    double activation_param = 0.0;
    std::int64_t weight_offset = 0;  // W, n_out x n_in row-major, in params
    std::int64_t bias_offset = -1;   // -1: no bias
    std::int64_t trained_from = 0;   // first output unit that trains (n_out: the layer is frozen)
};

struct NetworkTraining {
    int loss = 0;  // zoo::nn::Loss
    double huber_delta = 1.0;
    int optimizer = 1;  // zoo::nn::Optimizer
    double learning_rate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weight_decay = 0.0;
    bool nesterov = false;
    double l1 = 0.0, l2 = 0.0, clip_norm = 0.0, clip_value = 0.0;
    std::int64_t batch_size = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;
};

struct EpochResult {
    double loss = 0.0, correct = 0.0, weight = 0.0, squared_error = 0.0;
    std::int64_t steps = 0;
};

// One fit's device state: the training data stay on the device between
// epochs, and the parameter, gradient, moment and activation buffers are
// allocated once; parameters and optimizer moments go up at the start of
// each epoch and come back at its end (callbacks, checkpoints and early
// stopping read and change the host arrays in between).
template <class T>
class NetworkTrainer {
public:
    NetworkTrainer(std::vector<DenseLayer> layers, std::int64_t n_params, int n_slots,
                   std::vector<std::string> cublas_paths);
    ~NetworkTrainer();
    NetworkTrainer(const NetworkTrainer&) = delete;
    NetworkTrainer& operator=(const NetworkTrainer&) = delete;

    // Rows x (n x n_in), targets (n x n_targets), weights (n); validated by the caller.
    void set_data(const T* x, const T* targets, const T* weight, std::int64_t n, std::int64_t n_targets);
    // New inputs for the same rows, targets and weights (a denoising
    // autoencoder's corrupted copy, redrawn every epoch).
    void set_inputs(const T* x, std::int64_t n, std::int64_t n_in);
    EpochResult train_epoch(T* params, T* state, std::int64_t step, const NetworkTraining& config);
    void predict(const T* params, const T* x, std::int64_t n, T* out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace zoo::cuda
