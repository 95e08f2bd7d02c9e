// DQN's learning step and its collect loop.
//
// Mnih et al., "Human-level control through deep reinforcement learning",
// Nature 2015; van Hasselt, Guez and Silver, "Deep Reinforcement Learning
// with Double Q-learning", AAAI 2016. The loop follows Stable-Baselines3's
// DQN step for step (uniform actions before learning_starts, a linearly
// decaying epsilon, `gradient_steps` updates every `train_freq` steps, the
// target network refreshed every `target_update_interval` steps).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"
#include "zoo/nn_passes.hpp"
#include "zoo/dqn.hpp"

namespace zoo::rl {

namespace {

using nn::Team;
using nn::Workspace;

inline void barrier() {
#pragma omp barrier
}

index_t argmax(const float* values, index_t n) {
    return static_cast<index_t>(std::max_element(values, values + n) - values);
}

// d(loss)/d(q) for one sample of the mean loss over the batch.
double td_loss(nn::Loss loss, double huber_delta, double error, double scale, float* grad) {
    double gradient = 0.0;
    const double value = nn::regression_loss(loss, huber_delta, error, gradient);
    *grad = static_cast<float>(scale * gradient);
    return value;
}

void check_train(const nn::Network& net, const ReplayBuffer& buffer, const DqnConfig& config) {
    net.validate();
    if (buffer.obs_size != net.n_inputs()) throw std::invalid_argument("observations do not fit the Q-network's inputs");
    if (config.batch_size < 1) throw std::invalid_argument("batch_size must be >= 1");
    if (config.train.n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (config.train.loss != nn::Loss::huber && config.train.loss != nn::Loss::mse)
        throw std::invalid_argument("DQN's loss must be huber or mse");
}

// The whole of dqn_train's work, by a team already inside a parallel region.
class Learner {
public:
    Learner(const nn::Network& net, const ReplayBuffer& buffer, const DqnConfig& config)
        : net_(net), buffer_(buffer), config_(config), batch_(config.batch_size),
          target_ws_(net, batch_), online_ws_(net, batch_),
          x_(static_cast<size_t>(batch_ * net.n_inputs())), next_x_(x_.size()),
          picked_(static_cast<size_t>(batch_)), targets_(picked_.size()),
          team_size_(nn::team_size_for(net, batch_, config.train.n_threads)),
          losses_(static_cast<size_t>(team_size_)), norms_(losses_.size()) {}

    // One gradient step; every member calls it.
    void step(const QNetworks& q, std::int64_t step, Rng& rng, const Team& team) {
        const index_t d = net_.n_inputs(), k = net_.n_outputs(), n = batch_;
        if (team.id == 0)
            for (auto& row : picked_) row = static_cast<index_t>(rng.below(static_cast<std::uint64_t>(buffer_.meta[1])));
        barrier();
        const auto [r0, r1] = team.share(n);
        for (index_t r = r0; r < r1; ++r) {
            const index_t src = picked_[static_cast<size_t>(r)];
            std::copy_n(buffer_.observations + src * d, d, x_.data() + r * d);
            std::copy_n(buffer_.next_observations + src * d, d, next_x_.data() + r * d);
        }
        barrier();
        const nn::ForwardOptions infer;
        const float* q_target = nn::forward(net_, next_x_.data(), n, q.target_params, q.buffers, target_ws_, infer, team);
        const float* q_next = config_.double_q
                                  ? nn::forward(net_, next_x_.data(), n, q.params, q.buffers, online_ws_, infer, team)
                                  : q_target;
        for (index_t r = r0; r < r1; ++r) {
            const index_t src = picked_[static_cast<size_t>(r)];
            const index_t best = argmax(q_next + r * k, k);
            const double bootstrap = (1.0 - buffer_.terminated[src]) * q_target[r * k + best];
            targets_[static_cast<size_t>(r)] = buffer_.rewards[src] + config_.gamma * bootstrap;
        }
        barrier();  // the online forward below overwrites q_next
        nn::ForwardOptions train;
        train.mode = nn::Mode::train;
        const float* values = nn::forward(net_, x_.data(), n, q.params, q.buffers, online_ws_, train, team);
        double loss = 0.0;
        for (index_t r = r0; r < r1; ++r) {
            const index_t src = picked_[static_cast<size_t>(r)];
            const index_t action = buffer_.actions[src];
            float* grad_row = online_ws_.grad_out.data() + r * k;
            std::fill_n(grad_row, k, 0.0f);
            const double error = values[r * k + action] - targets_[static_cast<size_t>(r)];
            loss += td_loss(config_.train.loss, config_.train.huber_delta, error, 1.0 / static_cast<double>(n),
                            grad_row + action);
        }
        losses_[static_cast<size_t>(team.id)] += loss / static_cast<double>(n);
        barrier();
        nn::backward(net_, x_.data(), n, q.params, q.grads, online_ws_, team);
        nn::finish_gradients(net_, q.params, q.grads, config_.train, norms_, team);
        nn::optimizer_update(net_, q.params, q.grads, q.optimizer_state, step, config_.train.optimizer, team);
    }

    int team_size() const { return team_size_; }

    double loss_sum() const {
        double total = 0.0;
        for (double part : losses_) total += part;
        return total;
    }

private:
    const nn::Network& net_;
    const ReplayBuffer& buffer_;
    const DqnConfig& config_;
    index_t batch_;
    Workspace<float> target_ws_, online_ws_;
    std::vector<float> x_, next_x_;
    std::vector<index_t> picked_;
    std::vector<double> targets_;
    int team_size_;
    std::vector<double> losses_, norms_;
};

// Runs `gradient_steps` learner steps in one parallel region.
double run_gradient_steps(Learner& learner, QNetworks& q, index_t gradient_steps, Rng& rng) {
    const std::int64_t first = *q.step;
#pragma omp parallel num_threads(learner.team_size())
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        for (index_t s = 0; s < gradient_steps; ++s) learner.step(q, first + s, rng, team);
    }
    *q.step += gradient_steps;
    return learner.loss_sum();
}

}  // namespace

void ReplayBuffer::add(const float* obs, const float* next_obs, std::int64_t action, double reward, bool terminal) {
    const index_t at = meta[0];
    std::copy_n(obs, obs_size, observations + at * obs_size);
    std::copy_n(next_obs, obs_size, next_observations + at * obs_size);
    actions[at] = action;
    rewards[at] = static_cast<float>(reward);
    terminated[at] = terminal ? 1.0f : 0.0f;
    meta[0] = (at + 1) % capacity;
    meta[1] = std::min(meta[1] + 1, capacity);
}

void soft_update(float* target, const float* online, index_t n, double tau) {
    if (tau >= 1.0) {
        std::copy_n(online, n, target);
        return;
    }
    const float keep = static_cast<float>(1.0 - tau), take = static_cast<float>(tau);
    for (index_t i = 0; i < n; ++i) target[i] = keep * target[i] + take * online[i];
}

double dqn_train(QNetworks& q, const ReplayBuffer& buffer, const DqnConfig& config, index_t gradient_steps, Rng& rng) {
    check_train(*q.network, buffer, config);
    if (buffer.meta[1] < 1) throw std::invalid_argument("the replay buffer is empty");
    if (gradient_steps < 1) return 0.0;
    blas::SingleThreadedScope single_threaded_blas;
    Learner learner(*q.network, buffer, config);
    return run_gradient_steps(learner, q, gradient_steps, rng) / static_cast<double>(gradient_steps);
}

void dqn_greedy(const nn::Network& net, const float* params, const float* buffers, const float* observations, index_t n,
                std::int64_t* actions) {
    net.validate();
    if (n < 1) return;
    const index_t k = net.n_outputs();
    std::vector<float> q(static_cast<size_t>(n * k));
    nn::predict(net, observations, n, params, buffers, q.data(), 1);
    for (index_t i = 0; i < n; ++i) actions[i] = argmax(q.data() + i * k, k);
}

DqnCollectResult dqn_collect(EnvCopies& copies, QNetworks& q, ReplayBuffer& buffer, const DqnConfig& config,
                             const DqnSchedule& schedule, index_t n_steps, Rng& rng, FinishedEpisodes& finished) {
    const nn::Network& net = *q.network;
    check_train(net, buffer, config);
    if (copies.size() != 1) throw std::invalid_argument("DQN steps one copy of the environment");
    if (buffer.obs_size != copies.observation_size())
        throw std::invalid_argument("the environment does not fit the buffer");
    if (net.n_outputs() != copies.spaces().n_actions)
        throw std::invalid_argument("the Q-network needs one output per action");
    if (schedule.train_freq < 1 || schedule.target_update_interval < 1 || schedule.total_timesteps < 1)
        throw std::invalid_argument("train_freq, target_update_interval and total_timesteps must be >= 1");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    const index_t k = net.n_outputs();
    Learner learner(net, buffer, config);
    Workspace<float> act_ws(net, 1);
    std::vector<float> next_obs(static_cast<size_t>(buffer.obs_size));
    DqnCollectResult result;
    const nn::ForwardOptions infer;
    for (index_t s = 0; s < n_steps; ++s) {
        const std::int64_t t = schedule.num_timesteps + s;
        float* obs = copies.observation(0);
        std::int64_t action;
        if (t < schedule.learning_starts || rng.uniform() < epsilon_at(schedule, t)) {
            action = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(k)));
        } else {
            action = argmax(nn::forward(net, obs, 1, q.params, q.buffers, act_ws, infer, Team{}), k);
        }
        const Step step = copies.step(0, action, next_obs.data());
        // A time limit is not a terminal state: the target still bootstraps from s'.
        buffer.add(obs, next_obs.data(), action, step.reward, step.terminated);
        copies.advance(0, step, next_obs.data(), finished);
        const std::int64_t done = t + 1;
        if (done > schedule.learning_starts && done % schedule.train_freq == 0) {
            const double before = learner.loss_sum();
            const double after = run_gradient_steps(learner, q, schedule.gradient_steps, rng);
            result.loss_sum += after - before;
            result.n_updates += schedule.gradient_steps;
        }
        if (done % schedule.target_update_interval == 0)
            soft_update(q.target_params, q.params, net.n_params, schedule.tau);
    }
    return result;
}

}  // namespace zoo::rl
