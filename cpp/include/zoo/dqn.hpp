// Deep Q-learning kernels: the replay buffer, DQN's learning step and its
// collect loop, in float32. As everywhere in zoo, every piece of state (the
// buffer's arrays, the networks, the optimizer moments, the generator, the
// running episodes) is a caller-owned array; these functions only read and
// write it.
#pragma once

#include <cstdint>

#include "zoo/env_copies.hpp"
#include "zoo/exploration.hpp"
#include "zoo/nn.hpp"
#include "zoo/rng.hpp"

namespace zoo::rl {

// A ring of transitions over caller-owned arrays; `meta` holds
// {next write position, number stored}.
struct ReplayBuffer {
    float* observations;       // capacity x obs_size
    float* next_observations;  // capacity x obs_size
    std::int64_t* actions;     // capacity
    float* rewards;            // capacity
    float* terminated;         // capacity: 1 when the episode ended by the MDP, not by a time limit
    std::int64_t* meta;        // {position, size}
    index_t capacity;
    index_t obs_size;

    void add(const float* obs, const float* next_obs, std::int64_t action, double reward, bool terminal);
};

// The online Q-network's state and the target network's parameters (the
// same layout).
struct QNetworks {
    const nn::Network* network = nullptr;
    float* params = nullptr;
    float* grads = nullptr;
    float* optimizer_state = nullptr;  // n_slots x n_params
    const float* buffers = nullptr;
    std::int64_t* step = nullptr;      // optimizer steps taken so far (Adam's bias correction), advanced here
    float* target_params = nullptr;
};

struct DqnConfig {
    double gamma = 0.99;
    bool double_q = true;
    index_t batch_size = 32;
    nn::TrainConfig train;  // loss (huber / mse), optimizer, clipping, threads
};

// Gradient steps on mini-batches sampled uniformly from the buffer: the
// temporal-difference target r + gamma (1 - terminated) Q_target(s', a*), with
// a* = argmax Q_online(s') for double DQN (van Hasselt et al. 2016) or
// argmax Q_target(s') for DQN (Mnih et al. 2015); returns the mean loss.
double dqn_train(QNetworks& q, const ReplayBuffer& buffer, const DqnConfig& config, index_t gradient_steps, Rng& rng);

// Greedy actions argmax_a Q(s, a) for `n` observations.
void dqn_greedy(const nn::Network& net, const float* params, const float* buffers, const float* observations, index_t n,
                std::int64_t* actions);

// Where a chunk of environment steps sits in its fit, and the fit's
// exploration, learning and target-update schedule.
struct DqnSchedule {
    std::int64_t num_timesteps = 0;    // steps taken before this chunk
    std::int64_t total_timesteps = 1;  // of the whole fit, for the epsilon schedule
    double epsilon_start = 1.0;
    double epsilon_end = 0.05;
    double exploration_fraction = 0.1;
    std::int64_t learning_starts = 0;
    std::int64_t train_freq = 4;
    index_t gradient_steps = 1;
    std::int64_t target_update_interval = 1;
    double tau = 1.0;  // 1: hard copy; below 1: Polyak averaging
};

// DQN's exploration rate at step t of its schedule.
inline double epsilon_at(const DqnSchedule& s, std::int64_t t) {
    return linear_schedule(s.epsilon_start, s.epsilon_end, s.exploration_fraction, t, s.total_timesteps);
}

struct DqnCollectResult {
    double loss_sum = 0.0;  // over the gradient steps taken
    index_t n_updates = 0;
};

// Runs `n_steps` DQN steps on one copy of an environment: epsilon-greedy
// acting (uniform actions before learning_starts), stepping, storing,
// learning every train_freq steps and updating the target network, as
// Stable-Baselines3's DQN does. Finished episodes go to `finished` (room for
// n_steps).
DqnCollectResult dqn_collect(EnvCopies& copies, QNetworks& q, ReplayBuffer& buffer, const DqnConfig& config,
                             const DqnSchedule& schedule, index_t n_steps, Rng& rng, FinishedEpisodes& finished);

// target <- tau * online + (1 - tau) * target (tau = 1: a copy).
void soft_update(float* target, const float* online, index_t n, double tau);

}  // namespace zoo::rl
