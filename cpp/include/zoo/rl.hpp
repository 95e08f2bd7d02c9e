// Reinforcement-learning kernels: the replay buffer and DQN's acting and
// learning loops, in float32. As everywhere in zoo, every piece of state (the
// buffer's arrays, the networks, the optimizer moments, the generator, the
// environment records) is a caller-owned array; these functions only read
// and write it.
#pragma once

#include <cstdint>

#include "zoo/envs.hpp"
#include "zoo/nn.hpp"

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

// The generator state of a learner: four words of xoshiro256++ (zoo/rng.hpp).
struct RngState {
    std::uint64_t* words;
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
double dqn_train(const nn::Network& net, const ReplayBuffer& buffer, float* params, const float* target_params,
                 float* grads, float* optimizer_state, std::int64_t& optimizer_step, const float* buffers,
                 const DqnConfig& config, index_t gradient_steps, RngState rng);

// Greedy actions argmax_a Q(s, a) for `n` observations.
void dqn_greedy(const nn::Network& net, const float* params, const float* buffers, const float* observations, index_t n,
                std::int64_t* actions);

// Where a chunk of environment steps sits in its fit, and the fit's
// exploration, learning and target-update schedule.
struct CollectSchedule {
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
    std::int64_t max_episode_steps = 0;  // 0: no time limit
};

// Stable-Baselines3's linear schedule: from `start` to `end` over the first
// `fraction` of `total` steps, then constant at `end`.
inline double linear_schedule(double start, double end, double fraction, std::int64_t t, std::int64_t total) {
    const double progress = static_cast<double>(t) / static_cast<double>(total);
    if (fraction <= 0.0 || progress > fraction) return end;
    return start + progress * (end - start) / fraction;
}

// DQN's exploration rate at step t of its schedule.
inline double epsilon_at(const CollectSchedule& s, std::int64_t t) {
    return linear_schedule(s.epsilon_start, s.epsilon_end, s.exploration_fraction, t, s.total_timesteps);
}

// The environment's current episode, carried between chunks.
struct EpisodeCursor {
    std::byte* env_state;
    float* observation;         // obs_size
    std::int64_t* counters;     // {elapsed steps of this episode}
    double* episode_return;     // running return of this episode
};

// What a chunk of environment steps reports back to Python.
struct CollectResult {
    index_t n_episodes = 0;     // episodes finished (their returns and lengths written out)
    double loss_sum = 0.0;      // over gradient steps taken
    index_t n_updates = 0;
};

// Runs `n_steps` DQN steps on a native environment: epsilon-greedy acting
// (uniform actions before learning_starts), stepping, storing, learning
// every train_freq steps and updating the target network, as
// Stable-Baselines3's DQN does. Finished episodes' returns and lengths go to
// the output arrays (room for n_steps each).
CollectResult dqn_collect(const Env& env, EpisodeCursor cursor, const nn::Network& net, ReplayBuffer& buffer,
                          float* params, float* target_params, float* grads, float* optimizer_state,
                          std::int64_t& optimizer_step, const float* buffers, const DqnConfig& config,
                          const CollectSchedule& schedule, index_t n_steps, RngState rng, double* episode_returns,
                          std::int64_t* episode_lengths);

// target <- tau * online + (1 - tau) * target (tau = 1: a copy).
void soft_update(float* target, const float* online, index_t n, double tau);

}  // namespace zoo::rl
