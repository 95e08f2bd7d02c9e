// REINFORCE's and A2C's whole training loops on native environments:
// sampling, stepping, recording, return estimates and updates, with no
// Python in between. They follow the Python-driven loops of
// zoo/rl/reinforce.py and zoo/rl/actor_critic.py step for step (the same
// draws from the same generator, the same batches), so a native
// environment and gymnasium's own give the same model.
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

void check_loop(const Env& env, const Policy<float>& policy, const PgConfig& config) {
    check_policy(policy, config);
    if (config.action_kind != ActionKind::categorical)
        throw std::invalid_argument("native environments take Discrete actions: the policy must be categorical");
    if (env.n_states() > 0) throw std::invalid_argument("policy-gradient learners need Box observations");
    if (policy.actor->n_inputs() != env.observation_size())
        throw std::invalid_argument("the policy takes " + std::to_string(policy.actor->n_inputs()) +
                                    " inputs; the environment's observations have " +
                                    std::to_string(env.observation_size()));
    if (config.action_dim != env.n_actions())
        throw std::invalid_argument("the policy needs one logit per action of the environment");
}

void accumulate(UpdateStats& sum, const UpdateStats& s) {
    sum.policy_loss += s.policy_loss;
    sum.entropy += s.entropy;
    sum.value_loss += s.value_loss;
    sum.grad_norm += s.grad_norm;
}

// Ends copy e's episode: reports it and starts the next one in place.
void finish_episode(const Env& env, EnvCopies& copies, index_t e, index_t obs_size, std::size_t state_bytes,
                    FinishedEpisodes& finished) {
    finished.returns[finished.count] = copies.episode_returns[e];
    finished.lengths[finished.count] = copies.elapsed[e];
    ++finished.count;
    copies.episode_returns[e] = 0.0;
    copies.elapsed[e] = 0;
    env.reset(copies.states + static_cast<std::size_t>(e) * state_bytes, copies.observations + e * obs_size);
}

}  // namespace

CollectResult reinforce_collect(const Env& env, EnvCopies copy, const Policy<float>& policy, const PgConfig& config,
                                EpisodeBuffer& buffer, const ReinforceSchedule& schedule, std::int64_t& step,
                                index_t n_steps, Rng& rng, FinishedEpisodes& finished) {
    check_loop(env, policy, config);
    if (copy.n != 1) throw std::invalid_argument("REINFORCE runs one copy of the environment");
    if (buffer.capacity < 1 || buffer.meta[0] < 0 || buffer.meta[0] > buffer.capacity)
        throw std::invalid_argument("the episode buffer is inconsistent");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    const index_t d = env.observation_size();
    Sampler sampler(policy, config, 1);
    std::unique_ptr<Learner<float>> learner;  // made at the first update
    std::vector<float> next_observation(static_cast<std::size_t>(d));
    CollectResult result;
    for (index_t s = 0; s < n_steps; ++s) {
        index_t stored = buffer.meta[0];
        if (stored == buffer.capacity) break;  // the caller grows the buffer and calls again
        // Act: a ~ pi(.|s).
        std::int64_t action;
        sampler.act(copy.observations, 1, false, rng, &action, nullptr, nullptr);
        const Transition t = env.step(copy.states, action, next_observation.data());
        const std::int64_t elapsed = ++copy.elapsed[0];
        const bool truncated = schedule.max_episode_steps > 0 && elapsed >= schedule.max_episode_steps;
        // Record (s, a, r).
        std::copy_n(copy.observations, d, buffer.observations + stored * d);
        buffer.actions[stored] = action;
        buffer.rewards[stored] = static_cast<float>(t.reward);
        buffer.episode_ends[stored] = 0.0f;
        buffer.meta[0] = ++stored;
        copy.episode_returns[0] += t.reward;
        result.steps = s + 1;
        if (!(t.terminated || truncated)) {
            std::copy(next_observation.begin(), next_observation.end(), copy.observations);
            continue;
        }
        // The episode is over (a time limit ends it too): its steps become learnable.
        buffer.episode_ends[stored - 1] = 1.0f;
        ++buffer.meta[1];
        finish_episode(env, copy, 0, d, env.state_bytes(), finished);
        const bool ready = schedule.batch_steps > 0 ? stored >= schedule.batch_steps
                                                    : buffer.meta[1] >= schedule.n_episodes_per_update;
        if (!ready) continue;
        // Reward-to-go G_t = r_t + gamma G_{t+1} within each episode ...
        discounted_returns(buffer.rewards, buffer.episode_ends, stored, schedule.gamma, buffer.returns);
        // ... and one step on -mean((G_t - b(s_t)) log pi(a_t|s_t)) (the learner subtracts b = V).
        if (!learner) learner = std::make_unique<Learner<float>>(policy, config, buffer.capacity);
        Batch<float> batch;
        batch.observations = buffer.observations;
        batch.discrete_actions = buffer.actions;
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

CollectResult a2c_collect(const Env& env, EnvCopies copies, const Policy<float>& policy, const PgConfig& config,
                          Rollout& rollout, const A2cSchedule& schedule, std::int64_t& step, index_t n_steps,
                          Rng& rng, FinishedEpisodes& finished) {
    check_loop(env, policy, config);
    const index_t n_envs = copies.n, horizon = rollout.n_steps, d = env.observation_size();
    if (n_envs < 1 || horizon < 1) throw std::invalid_argument("A2C needs at least one copy and one step per rollout");
    if (rollout.meta[0] < 0 || rollout.meta[0] >= horizon || rollout.meta[1] < 0 || rollout.meta[1] >= n_envs)
        throw std::invalid_argument("the rollout's position is inconsistent");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    const std::size_t state_bytes = env.state_bytes();
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
        std::copy_n(copies.observations, n_envs * d, rollout.observations + row * d);
        std::copy_n(rollout.next_starts, n_envs, rollout.episode_starts + row);
        sampler.act(copies.observations, n_envs, false, rng, rollout.actions + row, nullptr, rollout.values + row);
        cut.clear();
        for (index_t e = 0; e < n_envs; ++e) {
            std::byte* state = copies.states + static_cast<std::size_t>(e) * state_bytes;
            const Transition t = env.step(state, rollout.actions[row + e], next_observation.data());
            const std::int64_t elapsed = ++copies.elapsed[e];
            const bool truncated = schedule.max_episode_steps > 0 && elapsed >= schedule.max_episode_steps;
            copies.episode_returns[e] += t.reward;
            rollout.rewards[row + e] = static_cast<float>(t.reward);
            if (truncated && !t.terminated) {
                std::copy(next_observation.begin(), next_observation.end(),
                          finals.begin() + static_cast<std::ptrdiff_t>(cut.size()) * d);
                cut.push_back(e);
            }
            const bool done = t.terminated || truncated;
            if (done)
                finish_episode(env, copies, e, d, state_bytes, finished);
            else
                std::copy(next_observation.begin(), next_observation.end(), copies.observations + e * d);
            rollout.next_starts[e] = done ? 1.0f : 0.0f;
        }
        // A time limit is not the MDP's end: the return goes on as gamma V(s_final).
        if (!cut.empty()) {
            sampler.values(finals.data(), static_cast<index_t>(cut.size()), final_values.data());
            for (std::size_t i = 0; i < cut.size(); ++i) {
                // Rounded to float before the sum, as NumPy does in the Python loop (volatile: no fused multiply-add).
                const volatile float bonus = static_cast<float>(schedule.gamma) * final_values[i];
                rollout.rewards[row + cut[i]] += bonus;
            }
        }
        result.steps += n_envs;
        if (++rollout.meta[0] < horizon) continue;
        rollout.meta[0] = 0;
        // Bootstrap from V(s_T) (unless s_T starts an episode) and estimate the advantages ...
        sampler.values(copies.observations, n_envs, last_values.data());
        gae(rollout.rewards, rollout.values, rollout.episode_starts, last_values.data(), rollout.next_starts, horizon,
            n_envs, schedule.gamma, schedule.gae_lambda, rollout.advantages, rollout.returns);
        // ... then one step on the actor-critic loss over the whole rollout.
        Batch<float> batch;
        batch.observations = rollout.observations;
        batch.discrete_actions = rollout.actions;
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
