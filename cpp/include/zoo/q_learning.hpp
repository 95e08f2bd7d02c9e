// Tabular temporal-difference control: Q-learning, SARSA and expected SARSA
// over a Q-table of float64 values, (n_states x n_actions) row-major, owned
// by the caller. The whole acting and learning loop runs here, on copies of
// an environment with Discrete observations and actions (zoo/env_copies.hpp).
#pragma once

#include <cstdint>

#include "zoo/env_copies.hpp"
#include "zoo/rng.hpp"

namespace zoo::rl {

// Which value of the next state the TD target bootstraps from.
enum class TdMethod {
    q_learning,      // max_a' Q(s', a')                    (off-policy)
    sarsa,           // Q(s', a') for the a' the policy takes  (on-policy)
    expected_sarsa,  // sum_a' pi(a' | s') Q(s', a')
};

enum class EpsilonDecay {
    linear,       // epsilon_start -> epsilon_min over exploration_fraction of total_timesteps
    exponential,  // epsilon_start * epsilon_decay_rate^episodes, floored at epsilon_min
};

// Everything a chunk of steps needs besides the arrays. The schedules are
// functions of the step and episode counts, so a chunk needs no other carried state.
struct TabularConfig {
    TdMethod method = TdMethod::q_learning;
    double gamma = 0.99;
    double learning_rate = 0.1;
    double learning_rate_decay = 1.0;  // per finished episode; 1: constant
    double learning_rate_min = 0.0;
    EpsilonDecay epsilon_decay = EpsilonDecay::linear;
    double epsilon_start = 1.0;
    double epsilon_min = 0.05;
    double exploration_fraction = 0.5;
    double epsilon_decay_rate = 0.999;
    std::int64_t num_timesteps = 0;    // steps taken before this chunk
    std::int64_t total_timesteps = 1;  // of the whole fit (the linear schedule's horizon)
    std::int64_t num_episodes = 0;     // episodes finished before this chunk
};

// Exploration rate for the action taken at step t, after `episodes` finished episodes.
double tabular_epsilon(const TabularConfig& config, std::int64_t t, std::int64_t episodes);
// Step size after `episodes` finished episodes.
double tabular_learning_rate(const TabularConfig& config, std::int64_t episodes);

// Runs `n_steps` steps of epsilon-greedy TD control on one copy of an
// environment with Discrete observations, updating `q` (n_states x
// n_actions) in place. `next_action` carries SARSA's already chosen action
// across chunks (-1: none chosen yet). Finished episodes go to `finished`
// (room for n_steps).
void tabular_collect(EnvCopies& copies, std::int64_t* next_action, double* q, const TabularConfig& config,
                     index_t n_steps, Rng& rng, FinishedEpisodes& finished);

}  // namespace zoo::rl
