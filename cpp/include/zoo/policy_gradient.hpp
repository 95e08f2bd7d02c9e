// Policy-gradient kernels shared by REINFORCE (Williams 1992) and advantage
// actor-critic (A2C; Mnih et al. 2016): sampling actions from a categorical
// or diagonal-Gaussian policy, discounted returns and generalised advantage
// estimates, and one gradient step on
//     L = -mean(A log pi(a|s)) - ent_coef mean(H[pi(.|s)]) + vf_coef mean((V(s) - G)^2).
// As everywhere in zoo, every piece of state (networks, log standard
// deviations, optimizer moments, the generator, rollouts) is a caller-owned
// array; these functions only read and write it.
#pragma once

#include <cstdint>
#include <vector>

#include "zoo/env_copies.hpp"
#include "zoo/nn.hpp"
#include "zoo/rng.hpp"

namespace zoo::rl::pg {

using nn::index_t;

enum class ActionKind : int {
    categorical = 0,  // Discrete actions: the actor outputs one logit per action
    gaussian = 1,     // Box actions: the actor outputs the means; log_std is a free vector
};

enum class CriticKind : int {
    none = 0,      // REINFORCE without a baseline
    separate = 1,  // a value network of its own
    shared = 2,    // the actor's last layer has one more output: V(s)
};

// One set of trainable values: parameters, their gradients and the
// optimizer's moments (n_slots x size), all caller-owned.
template <class T>
struct Trainable {
    T* params = nullptr;
    T* grads = nullptr;
    T* moments = nullptr;
};

template <class T>
struct Policy {
    const nn::Network* actor = nullptr;  // observations -> logits or means (then V(s) when shared)
    Trainable<T> actor_state;
    Trainable<T> log_std;                // gaussian only: action_dim values
    const nn::Network* critic = nullptr; // CriticKind::separate only: observations -> V(s)
    Trainable<T> critic_state;
};

struct PgConfig {
    ActionKind action_kind = ActionKind::categorical;
    CriticKind critic_kind = CriticKind::none;
    index_t action_dim = 1;          // categorical: number of actions; gaussian: action size
    double ent_coef = 0.0;
    double vf_coef = 0.5;
    double max_grad_norm = 0.0;      // 0: no clipping
    bool clip_jointly = true;        // A2C: one norm over all parameters; REINFORCE: policy and value apart
    bool baseline_advantage = false; // REINFORCE's baseline: A = G - V(s) from the critic, not the caller
    bool normalize_advantage = false;
    nn::OptimizerConfig actor_optimizer;   // the actor and log_std
    nn::OptimizerConfig critic_optimizer;  // a separate critic
    int n_threads = 1;
};

// One batch of experience. `advantages` is ignored with baseline_advantage.
template <class T>
struct Batch {
    const T* observations = nullptr;              // n x obs_size
    const std::int64_t* discrete_actions = nullptr;  // categorical: n
    const T* continuous_actions = nullptr;        // gaussian: n x action_dim (as sampled, before clipping)
    const T* advantages = nullptr;                // n
    const T* returns = nullptr;                   // n: the critic's targets (unused without a critic)
    index_t n = 0;
};

struct UpdateStats {
    double policy_loss = 0.0;  // -mean(A log pi(a|s))
    double entropy = 0.0;      // mean entropy of pi(.|s)
    double value_loss = 0.0;   // mean (V(s) - G)^2
    double grad_norm = 0.0;    // before clipping (policy and value together)
};

// Throws std::invalid_argument when the policy and the configuration disagree.
template <class T>
void check_policy(const Policy<T>& policy, const PgConfig& config);

// Gradients of L into the grads arrays (no clipping, no update): for
// gradient checks.
template <class T>
UpdateStats gradients(const Policy<T>& policy, const PgConfig& config, const Batch<T>& batch);

// One optimizer step on L: gradients, clipping by global norm, update.
// `step` counts the updates before this one (Adam's bias correction).
template <class T>
UpdateStats update(const Policy<T>& policy, const PgConfig& config, const Batch<T>& batch, std::int64_t step);

// Actions for `n` observations: drawn from pi(.|s), or its mode (argmax of
// the logits, the Gaussian mean) when deterministic, and V(s) when `values`
// is not null (which needs a critic).
void act(const Policy<float>& policy, const PgConfig& config, const float* observations, index_t n,
         bool deterministic, Rng& rng, std::int64_t* discrete_actions, float* continuous_actions, float* values);

// Reward-to-go G_t = r_t + gamma G_{t+1} over whole episodes laid end to
// end; episode_ends[t] is 1 at each episode's last step.
template <class T>
void discounted_returns(const T* rewards, const T* episode_ends, index_t n, double gamma, T* returns);

// Generalised advantage estimation (Schulman et al. 2016) over a rollout of
// n_steps x n_envs: A_t = sum_l (gamma lambda)^l delta_{t+l}, delta_t =
// r_t + gamma V(s_{t+1}) - V(s_t), cut where an episode starts; returns =
// A + V. lambda = 1 gives the n-step returns of A2C.
template <class T>
void gae(const T* rewards, const T* values, const T* episode_starts, const T* last_values, const T* last_dones,
         index_t n_steps, index_t n_envs, double gamma, double lambda, T* advantages, T* returns);


// ---------------------------------------------------------------------------
// Whole training loops over copies of an environment (zoo/env_copies.hpp:
// native or Python gymnasium ones alike). Python calls them chunk by chunk;
// everything they carry between chunks is in caller-owned arrays.

struct CollectResult {
    index_t steps = 0;      // environment steps taken (REINFORCE: fewer than asked when its buffer is full)
    index_t n_updates = 0;
    UpdateStats stats_sum;  // summed over the updates
};

// REINFORCE's record of the steps since the last update.
struct EpisodeBuffer {
    float* observations = nullptr;         // capacity x obs_size
    std::int64_t* actions = nullptr;       // categorical: capacity
    float* continuous_actions = nullptr;   // gaussian: capacity x action_dim, as sampled
    float* rewards = nullptr;              // capacity
    float* episode_ends = nullptr;         // capacity: 1 at each episode's last step
    float* returns = nullptr;              // capacity: scratch for the rewards-to-go
    std::int64_t* meta = nullptr;          // {steps stored, episodes finished in them}
    index_t capacity = 0;
};

struct ReinforceSchedule {
    double gamma = 0.99;
    index_t n_episodes_per_update = 1;
    index_t batch_steps = 0;               // > 0: update once the finished episodes hold this many steps
};

// Up to n_steps steps of REINFORCE on one copy: sample, step, record, and at
// the end of every n_episodes_per_update-th episode (or batch_steps steps)
// compute the rewards-to-go and take one update. Returns early, before a
// step that would not fit, when the buffer is full (the caller grows it).
CollectResult reinforce_collect(EnvCopies& copies, const Policy<float>& policy, const PgConfig& config,
                                EpisodeBuffer& buffer, const ReinforceSchedule& schedule, std::int64_t& step,
                                index_t n_steps, Rng& rng, FinishedEpisodes& finished);

// A2C's rollout of n_steps x n_envs steps, filled across chunks.
struct Rollout {
    float* observations = nullptr;         // n_steps x n_envs x obs_size
    std::int64_t* actions = nullptr;       // categorical: n_steps x n_envs
    float* continuous_actions = nullptr;   // gaussian: n_steps x n_envs x action_dim, as sampled
    float* rewards = nullptr;              // n_steps x n_envs (with gamma V(s_final) added at truncations)
    float* episode_starts = nullptr;       // n_steps x n_envs: 1 where the observation starts an episode
    float* values = nullptr;               // n_steps x n_envs: V(s) when acting
    float* advantages = nullptr;           // n_steps x n_envs: scratch
    float* returns = nullptr;              // n_steps x n_envs: scratch
    float* next_starts = nullptr;          // n_envs: 1 where the current observation starts an episode
    std::int64_t* meta = nullptr;          // {steps of each copy recorded so far, steps owed (< n_envs)}
    index_t n_steps = 0;
};

struct A2cSchedule {
    double gamma = 0.99;
    double gae_lambda = 1.0;
};

// n_steps environment steps of A2C over the copies, in whole vector steps
// (a remainder below n_envs is owed to the next call): sample a ~ pi(.|s)
// with V(s) for every copy, step each, record; when the rollout is full,
// bootstrap from V(s_T), estimate advantages and take one update.
CollectResult a2c_collect(EnvCopies& copies, const Policy<float>& policy, const PgConfig& config, Rollout& rollout,
                          const A2cSchedule& schedule, std::int64_t& step, index_t n_steps, Rng& rng,
                          FinishedEpisodes& finished);

}  // namespace zoo::rl::pg
