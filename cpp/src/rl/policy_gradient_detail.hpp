// The policy-gradient learner and sampler objects (private to cpp/src/rl):
// they hold the workspaces one update or one acting step needs, so that a
// training loop allocates them once.
#pragma once

#include <memory>
#include <vector>

#include "zoo/nn_passes.hpp"
#include "zoo/policy_gradient.hpp"

namespace zoo::rl::pg {

// One gradient step on batches of up to max_rows samples.
template <class T>
class Learner {
public:
    Learner(const Policy<T>& policy, const PgConfig& config, index_t max_rows);
    ~Learner();
    // Runs the team; with apply = false only the gradients are computed.
    UpdateStats run(const Batch<T>& batch, std::int64_t step, bool apply);

private:
    void pass(const Batch<T>& batch, std::int64_t step, bool apply, const nn::Team& team);
    void prepare_advantages(const Batch<T>& batch, const T* values, index_t value_stride);
    void clip_and_update(std::int64_t step, bool apply, const nn::Team& team);

    const Policy<T>& policy_;
    const PgConfig& config_;
    index_t max_rows_;
    nn::Network log_std_net_;
    std::unique_ptr<nn::Workspace<T>> actor_ws_, critic_ws_;
    std::vector<T> advantages_;
    std::vector<double> row_loss_, row_entropy_, row_value_error_, row_log_std_grad_;
    double norms_[2] = {0.0, 0.0};  // squared norms of the policy's and the value's gradients
    UpdateStats stats_;
};

// Actions (and values) for up to max_rows observations at a time, by the
// calling thread alone.
class Sampler {
public:
    Sampler(const Policy<float>& policy, const PgConfig& config, index_t max_rows);
    ~Sampler();
    void act(const float* observations, index_t n, bool deterministic, Rng& rng, std::int64_t* discrete_actions,
             float* continuous_actions, float* values);
    void values(const float* observations, index_t n, float* out);

private:
    const float* forward_values(const float* observations, index_t n, const float* actor_outputs);

    const Policy<float>& policy_;
    const PgConfig& config_;
    index_t max_rows_;
    std::unique_ptr<nn::Workspace<float>> actor_ws_, critic_ws_;
    std::vector<double> probabilities_;
};

}  // namespace zoo::rl::pg
