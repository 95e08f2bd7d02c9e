// Tabular TD control, the whole loop in C++.
//
// Watkins and Dayan, "Q-learning", Machine Learning 8 (1992); Rummery and
// Niranjan, "On-line Q-learning using connectionist systems", Cambridge
// CUED/F-INFENG/TR 166 (1994), SARSA; van Seijen, van Hasselt, Whiteson and
// Wiering, "A theoretical and empirical analysis of Expected Sarsa", IEEE
// ADPRL (2009). The three differ only in the value of the next state the
// target bootstraps from, so each is a policy class of one loop; the loop
// reads like Sutton and Barto's boxes (2nd ed., sections 6.4-6.6).
#include "zoo/q_learning.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "zoo/exploration.hpp"

namespace zoo::rl {

namespace {

// np.argmax's rule: the lowest index among equal maxima, so predict() in
// Python and acting here agree.
std::int64_t greedy(const double* row, int n_actions) {
    return std::max_element(row, row + n_actions) - row;
}

std::int64_t epsilon_greedy(const double* row, int n_actions, double epsilon, Rng& rng) {
    if (rng.uniform() < epsilon) return static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n_actions)));
    return greedy(row, n_actions);
}

// Q-learning bootstraps from the greedy value whatever the policy does next:
// max_a' Q(s', a') (off-policy).
struct QLearningTarget {
    static constexpr bool chooses_next_action = false;
    static double next_value(const double* row, int n_actions, double /*epsilon*/, std::int64_t /*next_action*/) {
        return *std::max_element(row, row + n_actions);
    }
};

// SARSA bootstraps from the action the policy will actually take in s',
// chosen before the update and then taken (on-policy).
struct SarsaTarget {
    static constexpr bool chooses_next_action = true;
    static double next_value(const double* row, int /*n_actions*/, double /*epsilon*/, std::int64_t next_action) {
        return row[next_action];
    }
};

// Expected SARSA bootstraps from the policy's expectation over a'. The
// epsilon-greedy policy gives every action epsilon / |A| and the greedy one
// 1 - epsilon more: E = (1 - epsilon) max_a' Q(s', a') + epsilon mean_a' Q(s', a').
struct ExpectedSarsaTarget {
    static constexpr bool chooses_next_action = false;
    static double next_value(const double* row, int n_actions, double epsilon, std::int64_t /*next_action*/) {
        double best = row[0], sum = 0.0;
        for (int a = 0; a < n_actions; ++a) {
            best = std::max(best, row[a]);
            sum += row[a];
        }
        return (1.0 - epsilon) * best + epsilon * sum / n_actions;
    }
};

// The schedules, with the per-episode powers computed once per episode
// rather than once per step.
class Schedule {
public:
    Schedule(const TabularConfig& config, std::int64_t episodes) : config_(config) { start_episode(episodes); }

    void start_episode(std::int64_t episodes) {
        learning_rate_ = tabular_learning_rate(config_, episodes);
        episode_epsilon_ = tabular_epsilon(config_, 0, episodes);
    }
    double learning_rate() const { return learning_rate_; }
    double epsilon(std::int64_t t) const {
        return config_.epsilon_decay == EpsilonDecay::linear ? tabular_epsilon(config_, t, 0) : episode_epsilon_;
    }

private:
    const TabularConfig& config_;
    double learning_rate_ = 0.0, episode_epsilon_ = 0.0;
};

// The state a Discrete observation holds; a corrupted record or a foreign
// environment must raise rather than index outside the table.
std::int64_t state_of(float observation, std::int64_t n_states) {
    const bool in_range = observation >= 0.0f && observation < static_cast<float>(n_states);  // false for NaN
    const auto state = in_range ? static_cast<std::int64_t>(observation) : -1;
    if (state < 0 || static_cast<float>(state) != observation)
        throw std::out_of_range("observation " + std::to_string(observation) + " is not a state in [0, " +
                                std::to_string(n_states) + ")");
    return state;
}

template <class Target>
void run(EnvCopies& copies, std::int64_t* next_action, double* q, const TabularConfig& config, index_t n_steps,
         Rng& rng, FinishedEpisodes& finished) {
    const int n_actions = copies.spaces().n_actions;
    const std::int64_t n_states = copies.spaces().n_states;
    std::int64_t episodes = config.num_episodes;
    Schedule schedule(config, episodes);
    std::int64_t state = state_of(copies.observation(0)[0], n_states);
    float next_observation = 0.0f;
    for (index_t i = 0; i < n_steps; ++i) {
        const std::int64_t t = config.num_timesteps + i;
        double* row = q + state * n_actions;
        // A ~ epsilon-greedy(Q(S, .)); SARSA chose it already, when it updated the previous step.
        const std::int64_t action = Target::chooses_next_action && *next_action >= 0
                                        ? *next_action
                                        : epsilon_greedy(row, n_actions, schedule.epsilon(t), rng);
        // Take A, observe R, S'.
        const Step step = copies.step(0, action, &next_observation);
        const std::int64_t next_state = state_of(next_observation, n_states);
        const double* next_row = q + next_state * n_actions;
        // The policy in S' acts at step t + 1, with that step's epsilon.
        const double next_epsilon = schedule.epsilon(t + 1);
        std::int64_t chosen = -1;
        if (Target::chooses_next_action && !step.terminated)
            chosen = epsilon_greedy(next_row, n_actions, next_epsilon, rng);
        // Target R + gamma V(S'): a terminal state is worth 0; a time limit
        // ends the episode but not the MDP, so a truncated step still bootstraps.
        const double target =
            step.reward +
            (step.terminated ? 0.0 : config.gamma * Target::next_value(next_row, n_actions, next_epsilon, chosen));
        // Q(S, A) <- Q(S, A) + alpha (target - Q(S, A)).
        row[action] += schedule.learning_rate() * (target - row[action]);
        // S <- S' (or the next episode's start); SARSA's A <- A'.
        copies.advance(0, step, &next_observation, finished);
        if (step.done()) {
            schedule.start_episode(++episodes);
            chosen = -1;
        }
        *next_action = chosen;
        state = state_of(copies.observation(0)[0], n_states);
    }
}

void check(const EnvCopies& copies, const TabularConfig& config) {
    if (copies.size() != 1) throw std::invalid_argument("tabular learning steps one copy of the environment");
    if (copies.spaces().n_states < 1 || copies.observation_size() != 1)
        throw std::invalid_argument("tabular learning needs an environment with Discrete observations");
    if (copies.spaces().n_actions < 1) throw std::invalid_argument("tabular learning needs Discrete actions");
    if (!(config.gamma >= 0.0 && config.gamma <= 1.0)) throw std::invalid_argument("gamma must lie in [0, 1]");
    if (!(config.learning_rate > 0.0)) throw std::invalid_argument("learning_rate must be > 0");
    if (!(config.learning_rate_decay > 0.0 && config.learning_rate_decay <= 1.0))
        throw std::invalid_argument("learning_rate_decay must lie in (0, 1]");
    if (!(config.epsilon_decay_rate > 0.0 && config.epsilon_decay_rate <= 1.0))
        throw std::invalid_argument("epsilon_decay_rate must lie in (0, 1]");
    if (config.total_timesteps < 1) throw std::invalid_argument("total_timesteps must be >= 1");
    if (config.num_timesteps < 0 || config.num_episodes < 0)
        throw std::invalid_argument("step and episode counts must be >= 0");
}

}  // namespace

double tabular_epsilon(const TabularConfig& config, std::int64_t t, std::int64_t episodes) {
    if (config.epsilon_decay == EpsilonDecay::exponential)
        return std::max(config.epsilon_min, config.epsilon_start * std::pow(config.epsilon_decay_rate,
                                                                            static_cast<double>(episodes)));
    return linear_schedule(config.epsilon_start, config.epsilon_min, config.exploration_fraction, t,
                           config.total_timesteps);
}

double tabular_learning_rate(const TabularConfig& config, std::int64_t episodes) {
    if (config.learning_rate_decay >= 1.0) return config.learning_rate;
    return std::max(config.learning_rate_min,
                    config.learning_rate * std::pow(config.learning_rate_decay, static_cast<double>(episodes)));
}

void tabular_collect(EnvCopies& copies, std::int64_t* next_action, double* q, const TabularConfig& config,
                     index_t n_steps, Rng& rng, FinishedEpisodes& finished) {
    check(copies, config);
    if (*next_action >= copies.spaces().n_actions)
        throw std::out_of_range("the carried next action is not an action");
    switch (config.method) {
        case TdMethod::q_learning:
            return run<QLearningTarget>(copies, next_action, q, config, n_steps, rng, finished);
        case TdMethod::sarsa:
            return run<SarsaTarget>(copies, next_action, q, config, n_steps, rng, finished);
        case TdMethod::expected_sarsa:
            return run<ExpectedSarsaTarget>(copies, next_action, q, config, n_steps, rng, finished);
        default:
            throw std::invalid_argument("unknown TD method");
    }
}

}  // namespace zoo::rl
