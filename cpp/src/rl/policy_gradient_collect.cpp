// REINFORCE's and A2C's whole training loops: sampling, stepping,
// recording, return estimates and updates, with no Python in between. The
// copies they step may be native environments or Python gymnasium ones
// (zoo/env_copies.hpp); the loops take the same steps either way, so the
// same seed gives the same model on zoo's CartPole and on gymnasium's.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "policy_gradient_detail.hpp"
#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"

namespace zoo::rl::pg {

namespace {

void check_loop(const EnvCopies& copies, const Policy<float>& policy, const PgConfig& config) {
    check_policy(policy, config);
    const CopySpaces& spaces = copies.spaces();
    if (spaces.n_states > 0) throw std::invalid_argument("policy-gradient learners need Box observations");
    if (policy.actor->n_inputs() != spaces.observation_size)
        throw std::invalid_argument("the policy takes " + std::to_string(policy.actor->n_inputs()) +
                                    " inputs; the environment's observations have " +
                                    std::to_string(spaces.observation_size));
    if (config.action_kind == ActionKind::categorical) {
        if (config.action_dim != spaces.n_actions)
            throw std::invalid_argument("the policy needs one logit per action of the environment");
    } else if (spaces.n_actions != 0 || config.action_dim != spaces.action_size) {
        throw std::invalid_argument("the Gaussian policy needs one mean per dimension of the environment's Box actions");
    }
}

void accumulate(UpdateStats& sum, const UpdateStats& s) {
    sum.policy_loss += s.policy_loss;
    sum.entropy += s.entropy;
    sum.value_loss += s.value_loss;
    sum.grad_norm += s.grad_norm;
}

// Steps copy e with the action the sampler wrote for it.
Step step_with(EnvCopies& copies, index_t e, const std::int64_t* discrete, const float* continuous, index_t dim,
               float* next_observation) {
    if (continuous != nullptr) return copies.step(e, continuous + e * dim, next_observation);
    return copies.step(e, discrete[e], next_observation);
}

}  // namespace

CollectResult reinforce_collect(EnvCopies& copies, const Policy<float>& policy, const PgConfig& config,
                                EpisodeBuffer& buffer, const ReinforceSchedule& schedule, std::int64_t& step,
                                index_t n_steps, Rng& rng, FinishedEpisodes& finished) {
    check_loop(copies, policy, config);
    if (copies.size() != 1) throw std::invalid_argument("REINFORCE runs one copy of the environment");
    if (buffer.capacity < 1 || buffer.meta[0] < 0 || buffer.meta[0] > buffer.capacity)
        throw std::invalid_argument("the episode buffer is inconsistent");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    const index_t d = copies.observation_size(), dim = config.action_dim;
    const bool gaussian = config.action_kind == ActionKind::gaussian;
    Sampler sampler(policy, config, 1);
    std::unique_ptr<Learner<float>> learner;  // made at the first update
    std::vector<float> next_observation(static_cast<std::size_t>(d));
    CollectResult result;
    for (index_t s = 0; s < n_steps; ++s) {
        index_t stored = buffer.meta[0];
        if (stored == buffer.capacity) break;  // the caller grows the buffer and calls again
        // Act: a ~ pi(.|s), written where the update reads it.
        std::int64_t* discrete = gaussian ? nullptr : buffer.actions + stored;
        float* continuous = gaussian ? buffer.continuous_actions + stored * dim : nullptr;
        sampler.act(copies.observation(0), 1, false, rng, discrete, continuous, nullptr);
        const Step t = step_with(copies, 0, discrete, continuous, dim, next_observation.data());
        // Record (s, a, r).
        std::copy_n(copies.observation(0), d, buffer.observations + stored * d);
        buffer.rewards[stored] = static_cast<float>(t.reward);
        buffer.episode_ends[stored] = 0.0f;
        buffer.meta[0] = ++stored;
        result.steps = s + 1;
        copies.advance(0, t, next_observation.data(), finished);
        if (!t.done()) continue;
        // The episode is over (a time limit ends it too): its steps become learnable.
        buffer.episode_ends[stored - 1] = 1.0f;
        ++buffer.meta[1];
        const bool ready = schedule.batch_steps > 0 ? stored >= schedule.batch_steps
                                                    : buffer.meta[1] >= schedule.n_episodes_per_update;
        if (!ready) continue;
        // Reward-to-go G_t = r_t + gamma G_{t+1} within each episode ...
        discounted_returns(buffer.rewards, buffer.episode_ends, stored, schedule.gamma, buffer.returns);
        // ... and one step on -mean((G_t - b(s_t)) log pi(a_t|s_t)) (the learner subtracts b = V).
        if (!learner) learner = std::make_unique<Learner<float>>(policy, config, buffer.capacity);
        Batch<float> batch;
        batch.observations = buffer.observations;
        batch.discrete_actions = gaussian ? nullptr : buffer.actions;
        batch.continuous_actions = gaussian ? buffer.continuous_actions : nullptr;
        batch.advantages = buffer.returns;
        batch.returns = buffer.returns;
        batch.n = stored;
        accumulate(result.stats_sum, learner->run(batch, step, true));
        ++step;
        ++result.n_updates;
        buffer.meta[0] = buffer.meta[1] = 0;
    }
    return result;
}

CollectResult a2c_collect(EnvCopies& copies, const Policy<float>& policy, const PgConfig& config, Rollout& rollout,
                          const A2cSchedule& schedule, std::int64_t& step, index_t n_steps, Rng& rng,
                          FinishedEpisodes& finished) {
    check_loop(copies, policy, config);
    const index_t n_envs = copies.size(), horizon = rollout.n_steps, d = copies.observation_size();
    const index_t dim = config.action_dim;
    if (horizon < 1) throw std::invalid_argument("A2C needs at least one step per rollout");
    if (rollout.meta[0] < 0 || rollout.meta[0] >= horizon || rollout.meta[1] < 0 || rollout.meta[1] >= n_envs)
        throw std::invalid_argument("the rollout's position is inconsistent");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    const bool gaussian = config.action_kind == ActionKind::gaussian;
    Sampler sampler(policy, config, n_envs);
    Learner<float> learner(policy, config, horizon * n_envs);
    std::vector<float> next_observation(static_cast<std::size_t>(d)), finals(static_cast<std::size_t>(n_envs * d));
    std::vector<float> final_values(static_cast<std::size_t>(n_envs)), last_values(final_values.size());
    std::vector<index_t> cut;
    cut.reserve(static_cast<std::size_t>(n_envs));
    CollectResult result;
    // Whole vector steps only; a remainder is owed to the next chunk.
    const index_t owed = rollout.meta[1] + n_steps;
    const index_t vector_steps = owed / n_envs;
    rollout.meta[1] = owed % n_envs;
    for (index_t v = 0; v < vector_steps; ++v) {
        const index_t row = rollout.meta[0] * n_envs;
        // Act in every copy: a ~ pi(.|s), with V(s) for the advantages.
        std::copy_n(copies.observations(), n_envs * d, rollout.observations + row * d);
        std::copy_n(rollout.next_starts, n_envs, rollout.episode_starts + row);
        std::int64_t* discrete = gaussian ? nullptr : rollout.actions + row;
        float* continuous = gaussian ? rollout.continuous_actions + row * dim : nullptr;
        sampler.act(copies.observations(), n_envs, false, rng, discrete, continuous, rollout.values + row);
        cut.clear();
        for (index_t e = 0; e < n_envs; ++e) {
            const Step t = step_with(copies, e, discrete, continuous, dim, next_observation.data());
            rollout.rewards[row + e] = static_cast<float>(t.reward);
            if (t.truncated && !t.terminated) {
                std::copy(next_observation.begin(), next_observation.end(),
                          finals.begin() + static_cast<std::ptrdiff_t>(cut.size()) * d);
                cut.push_back(e);
            }
            copies.advance(e, t, next_observation.data(), finished);
            rollout.next_starts[e] = t.done() ? 1.0f : 0.0f;
        }
        // A time limit is not the MDP's end: the return goes on as gamma V(s_final).
        if (!cut.empty()) {
            sampler.values(finals.data(), static_cast<index_t>(cut.size()), final_values.data());
            for (std::size_t i = 0; i < cut.size(); ++i) {
                // Rounded to float before the sum, as NumPy's float32 arithmetic would (volatile: no fused multiply-add).
                const volatile float bonus = static_cast<float>(schedule.gamma) * final_values[i];
                rollout.rewards[row + cut[i]] += bonus;
            }
        }
        result.steps += n_envs;
        if (++rollout.meta[0] < horizon) continue;
        rollout.meta[0] = 0;
        // Bootstrap from V(s_T) (unless s_T starts an episode) and estimate the advantages ...
        sampler.values(copies.observations(), n_envs, last_values.data());
        gae(rollout.rewards, rollout.values, rollout.episode_starts, last_values.data(), rollout.next_starts, horizon,
            n_envs, schedule.gamma, schedule.gae_lambda, rollout.advantages, rollout.returns);
        // ... then one step on the actor-critic loss over the whole rollout.
        Batch<float> batch;
        batch.observations = rollout.observations;
        batch.discrete_actions = gaussian ? nullptr : rollout.actions;
        batch.continuous_actions = gaussian ? rollout.continuous_actions : nullptr;
        batch.advantages = rollout.advantages;
        batch.returns = rollout.returns;
        batch.n = horizon * n_envs;
        accumulate(result.stats_sum, learner.run(batch, step, true));
        ++step;
        ++result.n_updates;
    }
    return result;
}

}  // namespace zoo::rl::pg
