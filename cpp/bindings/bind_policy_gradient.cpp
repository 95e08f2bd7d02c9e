// pybind11 glue for the policy-gradient kernels (REINFORCE, A2C). A policy
// arrives as its networks and nine flat arrays, in the order of
// zoo.rl._policy.PolicyState.arrays(): actor params, grads, moments;
// log_std, its grads, moments; critic params, grads, moments. An absent
// piece (log_std of a categorical policy, a missing critic) is an empty array.
#include <string>

#include "bindings.hpp"
#include "zoo/policy_gradient.hpp"

namespace zoo::bindings {

namespace {

namespace pg = rl::pg;
using pg::index_t;

template <class T>
pg::Trainable<T> trainable_from(Out<T>& params, Out<T>& grads, Out<T>& moments, index_t size,
                                const nn::OptimizerConfig& optimizer, const std::string& name) {
    if (size == 0) {
        require(params.size() == 0 && grads.size() == 0 && moments.size() == 0, name + " must be empty here");
        return {};
    }
    require(params.ndim() == 1 && params.shape(0) == size, name + " has the wrong size for this policy");
    require(grads.ndim() == 1 && grads.shape(0) == size, name + " grads have the wrong size for this policy");
    require(moments.ndim() == 2 && moments.shape(0) == nn::optimizer_slots(optimizer) && moments.shape(1) == size,
            name + " optimizer state has the wrong shape");
    require(params.writeable() && grads.writeable() && moments.writeable(), name + " arrays must be writable");
    return {params.mutable_data(), grads.mutable_data(), moments.mutable_data()};
}

// Everything the learner reads and writes, checked against the configuration.
template <class T>
pg::Policy<T> policy_from(const nn::Network& actor, const nn::Network* critic, Out<T>& actor_params,
                          Out<T>& actor_grads, Out<T>& actor_moments, Out<T>& log_std, Out<T>& log_std_grads,
                          Out<T>& log_std_moments, Out<T>& critic_params, Out<T>& critic_grads,
                          Out<T>& critic_moments, const pg::PgConfig& config) {
    pg::Policy<T> policy;
    policy.actor = &actor;
    policy.critic = critic;
    policy.actor_state = trainable_from(actor_params, actor_grads, actor_moments, actor.n_params,
                                        config.actor_optimizer, "actor params");
    const bool gaussian = config.action_kind == pg::ActionKind::gaussian;
    policy.log_std = trainable_from(log_std, log_std_grads, log_std_moments, gaussian ? config.action_dim : 0,
                                    config.actor_optimizer, "log_std");
    policy.critic_state = trainable_from(critic_params, critic_grads, critic_moments, critic ? critic->n_params : 0,
                                         config.critic_optimizer, "critic params");
    pg::check_policy(policy, config);
    return policy;
}

// Acting needs only the parameters: wrap them without grads or moments.
pg::Policy<float> acting_policy(const nn::Network& actor, const nn::Network* critic, const In<float>& actor_params,
                                const In<float>& log_std, const In<float>& critic_params, const pg::PgConfig& config) {
    pg::Policy<float> policy;
    policy.actor = &actor;
    policy.critic = critic;
    require(actor_params.ndim() == 1 && actor_params.shape(0) == actor.n_params, "actor params have the wrong size");
    policy.actor_state.params = const_cast<float*>(actor_params.data());  // read only while acting
    if (config.action_kind == pg::ActionKind::gaussian) {
        require(log_std.ndim() == 1 && log_std.shape(0) == config.action_dim, "log_std has the wrong size");
        policy.log_std.params = const_cast<float*>(log_std.data());
    }
    if (critic != nullptr) {
        require(critic_params.ndim() == 1 && critic_params.shape(0) == critic->n_params,
                "critic params have the wrong size");
        policy.critic_state.params = const_cast<float*>(critic_params.data());
    }
    pg::check_policy(policy, config);
    return policy;
}

template <class T>
struct BatchArrays {
    In<T> observations, advantages, returns;
    In<std::int64_t> discrete;
    In<T> continuous;
};

template <class T>
pg::Batch<T> batch_from(const nn::Network& actor, const pg::PgConfig& config, BatchArrays<T>& a,
                        const py::array& actions) {
    require(a.observations.ndim() == 2 && a.observations.shape(1) == actor.n_inputs(),
            "observations must have shape (n, " + std::to_string(actor.n_inputs()) + ")");
    const py::ssize_t n = a.observations.shape(0);
    require(n >= 1, "an update needs at least one sample");
    require_shape(a.advantages, "advantages", {n});
    require_shape(a.returns, "returns", {n});
    pg::Batch<T> batch;
    batch.observations = a.observations.data();
    batch.advantages = a.advantages.data();
    batch.returns = a.returns.data();
    batch.n = n;
    if (config.action_kind == pg::ActionKind::categorical) {
        a.discrete = In<std::int64_t>::ensure(actions);
        require(a.discrete && a.discrete.ndim() == 1 && a.discrete.shape(0) == n, "actions must have shape (n,)");
        const std::int64_t* d = a.discrete.data();
        for (py::ssize_t i = 0; i < n; ++i)
            require(d[i] >= 0 && d[i] < config.action_dim, "actions must lie in [0, n_actions)");
        batch.discrete_actions = d;
    } else {
        a.continuous = In<T>::ensure(actions);
        require(a.continuous && a.continuous.ndim() == 2 && a.continuous.shape(0) == n &&
                    a.continuous.shape(1) == config.action_dim,
                "actions must have shape (n, " + std::to_string(config.action_dim) + ")");
        batch.continuous_actions = a.continuous.data();
    }
    return batch;
}

// The environment copies a native loop carries between chunks.
pg::EnvCopies copies_from(const rl::Env& env, Out<std::uint64_t>& states, Out<float>& observations,
                          Out<std::int64_t>& elapsed, Out<double>& episode_returns) {
    const py::ssize_t words = static_cast<py::ssize_t>(env.state_bytes() / 8);
    require(states.ndim() == 2 && states.shape(1) == words && states.shape(0) >= 1,
            "environment states must have shape (n_copies, " + std::to_string(words) + ")");
    const py::ssize_t n = states.shape(0);
    require_shape(observations, "observations of the copies", {n, env.observation_size()});
    require_shape(elapsed, "elapsed steps", {n});
    require_shape(episode_returns, "episode returns", {n});
    require(states.writeable() && observations.writeable() && elapsed.writeable() && episode_returns.writeable(),
            "the copies' arrays must be writable");
    pg::EnvCopies copies;
    copies.states = reinterpret_cast<std::byte*>(states.mutable_data());
    copies.observations = observations.mutable_data();
    copies.elapsed = elapsed.mutable_data();
    copies.episode_returns = episode_returns.mutable_data();
    copies.n = n;
    return copies;
}

template <class A>
void require_writable_shape(A& a, const char* name, std::initializer_list<py::ssize_t> shape) {
    require_shape(a, name, shape);
    require_writable(a, name);
}

py::tuple collect_tuple(const pg::CollectResult& r, Out<double>& returns, Out<std::int64_t>& lengths,
                        const pg::FinishedEpisodes& finished, std::int64_t step) {
    returns.resize({finished.count});
    lengths.resize({finished.count});
    const pg::UpdateStats& s = r.stats_sum;
    return py::make_tuple(r.steps, returns, lengths, r.n_updates,
                          py::make_tuple(s.policy_loss, s.entropy, s.value_loss, s.grad_norm), step);
}

Rng rng_from(const Out<std::uint64_t>& words) {
    require_shape(words, "rng state", {4});
    require_writable(words, "rng state");
    return Rng::from_state(words.data());
}

py::tuple stats_tuple(const pg::UpdateStats& s) {
    return py::make_tuple(s.policy_loss, s.entropy, s.value_loss, s.grad_norm);
}

template <class T>
void bind_learning(py::module_& m, const char* name, bool apply, const char* doc) {
    m.def(
        name,
        [apply](const nn::Network& actor, const nn::Network* critic, Out<T> actor_params, Out<T> actor_grads,
                Out<T> actor_moments, Out<T> log_std, Out<T> log_std_grads, Out<T> log_std_moments,
                Out<T> critic_params, Out<T> critic_grads, Out<T> critic_moments, const pg::PgConfig& config,
                In<T> observations, py::array actions, In<T> advantages, In<T> returns, std::int64_t step) {
            const pg::Policy<T> policy =
                policy_from(actor, critic, actor_params, actor_grads, actor_moments, log_std, log_std_grads,
                            log_std_moments, critic_params, critic_grads, critic_moments, config);
            BatchArrays<T> arrays{observations, advantages, returns, {}, {}};
            const pg::Batch<T> batch = batch_from(actor, config, arrays, actions);
            require(step >= 0, "step must be >= 0");
            pg::UpdateStats stats;
            {
                py::gil_scoped_release release;
                stats = apply ? pg::update(policy, config, batch, step) : pg::gradients(policy, config, batch);
            }
            return stats_tuple(stats);
        },
        py::arg("actor"), py::arg("critic").none(true), py::arg("actor_params").noconvert(),
        py::arg("actor_grads").noconvert(), py::arg("actor_moments").noconvert(), py::arg("log_std").noconvert(),
        py::arg("log_std_grads").noconvert(), py::arg("log_std_moments").noconvert(),
        py::arg("critic_params").noconvert(), py::arg("critic_grads").noconvert(),
        py::arg("critic_moments").noconvert(), py::arg("config"), py::arg("observations"), py::arg("actions"),
        py::arg("advantages"), py::arg("returns"), py::arg("step"), doc);
}

}  // namespace

void bind_policy_gradient(py::module_& m) {
    py::enum_<pg::ActionKind>(m, "PgActionKind")
        .value("categorical", pg::ActionKind::categorical)
        .value("gaussian", pg::ActionKind::gaussian);
    py::enum_<pg::CriticKind>(m, "PgCriticKind")
        .value("none", pg::CriticKind::none)
        .value("separate", pg::CriticKind::separate)
        .value("shared", pg::CriticKind::shared);
    py::class_<pg::PgConfig>(m, "PgConfig")
        .def(py::init<>())
        .def_readwrite("action_kind", &pg::PgConfig::action_kind)
        .def_readwrite("critic_kind", &pg::PgConfig::critic_kind)
        .def_readwrite("action_dim", &pg::PgConfig::action_dim)
        .def_readwrite("ent_coef", &pg::PgConfig::ent_coef)
        .def_readwrite("vf_coef", &pg::PgConfig::vf_coef)
        .def_readwrite("max_grad_norm", &pg::PgConfig::max_grad_norm)
        .def_readwrite("clip_jointly", &pg::PgConfig::clip_jointly)
        .def_readwrite("baseline_advantage", &pg::PgConfig::baseline_advantage)
        .def_readwrite("normalize_advantage", &pg::PgConfig::normalize_advantage)
        .def_readwrite("actor_optimizer", &pg::PgConfig::actor_optimizer)
        .def_readwrite("critic_optimizer", &pg::PgConfig::critic_optimizer)
        .def_readwrite("n_threads", &pg::PgConfig::n_threads);

    bind_learning<float>(m, "pg_update", true,
                         "One optimizer step on the policy-gradient loss (float32); returns "
                         "(policy_loss, entropy, value_loss, grad_norm before clipping).");
    bind_learning<double>(m, "pg_update", true, "The same in float64.");
    bind_learning<double>(m, "pg_gradients", false,
                          "Gradients of the policy-gradient loss into the grads arrays, no update (float64, for "
                          "gradient checks); returns (policy_loss, entropy, value_loss, grad_norm).");

    m.def(
        "pg_act",
        [](const nn::Network& actor, const nn::Network* critic, In<float> actor_params, In<float> log_std,
           In<float> critic_params, const pg::PgConfig& config, In<float> observations, bool deterministic,
           Out<std::uint64_t> rng_state, bool with_values) {
            const pg::Policy<float> policy = acting_policy(actor, critic, actor_params, log_std, critic_params, config);
            require(observations.ndim() == 2 && observations.shape(1) == actor.n_inputs(),
                    "observations must have shape (n, " + std::to_string(actor.n_inputs()) + ")");
            require_shape(rng_state, "rng state", {4});
            require_writable(rng_state, "rng state");
            require(!with_values || config.critic_kind != pg::CriticKind::none, "values need a critic");
            const py::ssize_t n = observations.shape(0);
            const bool gaussian = config.action_kind == pg::ActionKind::gaussian;
            py::array actions = gaussian ? py::array(Out<float>({n, static_cast<py::ssize_t>(config.action_dim)}))
                                         : py::array(Out<std::int64_t>({n}));
            Out<float> values({with_values ? n : py::ssize_t(0)});
            std::int64_t* discrete = gaussian ? nullptr : static_cast<std::int64_t*>(actions.mutable_data());
            float* continuous = gaussian ? static_cast<float*>(actions.mutable_data()) : nullptr;
            float* v = with_values ? values.mutable_data() : nullptr;
            {
                py::gil_scoped_release release;
                Rng rng = Rng::from_state(rng_state.data());
                pg::act(policy, config, observations.data(), n, deterministic, rng, discrete, continuous, v);
                rng.store(rng_state.mutable_data());
            }
            return py::make_tuple(actions, with_values ? py::object(values) : py::object(py::none()));
        },
        py::arg("actor"), py::arg("critic").none(true), py::arg("actor_params"), py::arg("log_std"),
        py::arg("critic_params"), py::arg("config"), py::arg("observations"), py::arg("deterministic"),
        py::arg("rng").noconvert(), py::arg("with_values"),
        "Actions drawn from the policy (its mode when deterministic) and, with with_values, V(s); "
        "returns (actions, values or None).");

    m.def(
        "pg_discounted_returns",
        [](In<float> rewards, In<float> episode_ends, double gamma) {
            require(rewards.ndim() == 1, "rewards must be 1-D");
            require_shape(episode_ends, "episode_ends", {rewards.shape(0)});
            Out<float> returns({rewards.shape(0)});
            pg::discounted_returns(rewards.data(), episode_ends.data(), rewards.shape(0), gamma,
                                   returns.mutable_data());
            return returns;
        },
        py::arg("rewards"), py::arg("episode_ends"), py::arg("gamma"),
        "Reward-to-go G_t = r_t + gamma G_{t+1}, restarting after each step marked as an episode's end.");

    m.def(
        "pg_gae",
        [](In<float> rewards, In<float> values, In<float> episode_starts, In<float> last_values, In<float> last_dones,
           double gamma, double gae_lambda) {
            require(rewards.ndim() == 2, "rewards must have shape (n_steps, n_envs)");
            const py::ssize_t steps = rewards.shape(0), envs = rewards.shape(1);
            require_shape(values, "values", {steps, envs});
            require_shape(episode_starts, "episode_starts", {steps, envs});
            require_shape(last_values, "last_values", {envs});
            require_shape(last_dones, "last_dones", {envs});
            Out<float> advantages({steps, envs});
            Out<float> returns({steps, envs});
            pg::gae(rewards.data(), values.data(), episode_starts.data(), last_values.data(), last_dones.data(), steps,
                    envs, gamma, gae_lambda, advantages.mutable_data(), returns.mutable_data());
            return py::make_tuple(advantages, returns);
        },
        py::arg("rewards"), py::arg("values"), py::arg("episode_starts"), py::arg("last_values"),
        py::arg("last_dones"), py::arg("gamma"), py::arg("gae_lambda"),
        "Generalised advantage estimates and returns (advantages + values) of a (n_steps, n_envs) rollout.");
    m.def(
        "reinforce_collect",
        [](const rl::Env& env, Out<std::uint64_t> env_state, Out<float> observation, Out<std::int64_t> elapsed,
           Out<double> episode_return, const nn::Network& actor, const nn::Network* critic, Out<float> actor_params,
           Out<float> actor_grads, Out<float> actor_moments, Out<float> log_std, Out<float> log_std_grads,
           Out<float> log_std_moments, Out<float> critic_params, Out<float> critic_grads, Out<float> critic_moments,
           const pg::PgConfig& config, Out<float> buffer_observations, Out<std::int64_t> buffer_actions,
           Out<float> buffer_rewards, Out<float> buffer_ends, Out<float> buffer_returns, Out<std::int64_t> buffer_meta,
           double gamma, index_t n_episodes_per_update, index_t batch_steps, std::int64_t max_episode_steps,
           std::int64_t step, index_t n_steps, Out<std::uint64_t> rng_state) {
            const pg::Policy<float> policy =
                policy_from(actor, critic, actor_params, actor_grads, actor_moments, log_std, log_std_grads,
                            log_std_moments, critic_params, critic_grads, critic_moments, config);
            pg::EnvCopies copy = copies_from(env, env_state, observation, elapsed, episode_return);
            require(copy.n == 1, "REINFORCE runs one copy of the environment");
            require(buffer_observations.ndim() == 2 && buffer_observations.shape(1) == env.observation_size(),
                    "buffer observations must have shape (capacity, observation size)");
            const py::ssize_t capacity = buffer_observations.shape(0);
            require_writable(buffer_observations, "buffer observations");
            require_writable_shape(buffer_actions, "buffer actions", {capacity});
            require_writable_shape(buffer_rewards, "buffer rewards", {capacity});
            require_writable_shape(buffer_ends, "buffer episode ends", {capacity});
            require_writable_shape(buffer_returns, "buffer returns", {capacity});
            require_writable_shape(buffer_meta, "buffer meta", {2});
            require(n_steps >= 0 && step >= 0 && n_episodes_per_update >= 1 && batch_steps >= 0 &&
                        max_episode_steps >= 0,
                    "n_steps, step, batch_steps and max_episode_steps must be >= 0, n_episodes_per_update >= 1");
            pg::EpisodeBuffer buffer{buffer_observations.mutable_data(), buffer_actions.mutable_data(),
                                     buffer_rewards.mutable_data(),      buffer_ends.mutable_data(),
                                     buffer_returns.mutable_data(),      buffer_meta.mutable_data(),
                                     static_cast<index_t>(capacity)};
            pg::ReinforceSchedule schedule;
            schedule.gamma = gamma;
            schedule.n_episodes_per_update = n_episodes_per_update;
            schedule.batch_steps = batch_steps;
            schedule.max_episode_steps = max_episode_steps;
            Rng rng = rng_from(rng_state);
            Out<double> returns({n_steps});
            Out<std::int64_t> lengths({n_steps});
            pg::FinishedEpisodes finished{returns.mutable_data(), lengths.mutable_data(), 0};
            pg::CollectResult result;
            {
                py::gil_scoped_release release;
                result =
                    pg::reinforce_collect(env, copy, policy, config, buffer, schedule, step, n_steps, rng, finished);
                rng.store(rng_state.mutable_data());
            }
            return collect_tuple(result, returns, lengths, finished, step);
        },
        py::arg("env"), py::arg("env_state").noconvert(), py::arg("observation").noconvert(),
        py::arg("elapsed").noconvert(), py::arg("episode_return").noconvert(), py::arg("actor"),
        py::arg("critic").none(true), py::arg("actor_params").noconvert(), py::arg("actor_grads").noconvert(),
        py::arg("actor_moments").noconvert(), py::arg("log_std").noconvert(), py::arg("log_std_grads").noconvert(),
        py::arg("log_std_moments").noconvert(), py::arg("critic_params").noconvert(),
        py::arg("critic_grads").noconvert(), py::arg("critic_moments").noconvert(), py::arg("config"),
        py::arg("buffer_observations").noconvert(), py::arg("buffer_actions").noconvert(),
        py::arg("buffer_rewards").noconvert(), py::arg("buffer_episode_ends").noconvert(),
        py::arg("buffer_returns").noconvert(), py::arg("buffer_meta").noconvert(), py::arg("gamma"),
        py::arg("n_episodes_per_update"), py::arg("batch_steps"), py::arg("max_episode_steps"), py::arg("step"),
        py::arg("n_steps"), py::arg("rng").noconvert(),
        "REINFORCE on a native environment for up to n_steps steps (fewer when the buffer fills); returns "
        "(steps taken, episode returns, episode lengths, updates, summed (policy_loss, entropy, value_loss, "
        "grad_norm), updates taken so far).");

    m.def(
        "a2c_collect",
        [](const rl::Env& env, Out<std::uint64_t> env_states, Out<float> observations, Out<std::int64_t> elapsed,
           Out<double> episode_returns, const nn::Network& actor, const nn::Network* critic, Out<float> actor_params,
           Out<float> actor_grads, Out<float> actor_moments, Out<float> log_std, Out<float> log_std_grads,
           Out<float> log_std_moments, Out<float> critic_params, Out<float> critic_grads, Out<float> critic_moments,
           const pg::PgConfig& config, Out<float> rollout_observations, Out<std::int64_t> rollout_actions,
           Out<float> rollout_rewards, Out<float> rollout_starts, Out<float> rollout_values,
           Out<float> rollout_advantages, Out<float> rollout_returns, Out<float> next_starts,
           Out<std::int64_t> rollout_meta, double gamma, double gae_lambda, std::int64_t max_episode_steps,
           std::int64_t step, index_t n_steps, Out<std::uint64_t> rng_state) {
            const pg::Policy<float> policy =
                policy_from(actor, critic, actor_params, actor_grads, actor_moments, log_std, log_std_grads,
                            log_std_moments, critic_params, critic_grads, critic_moments, config);
            pg::EnvCopies copies = copies_from(env, env_states, observations, elapsed, episode_returns);
            const py::ssize_t n = copies.n;
            require(rollout_observations.ndim() == 3 && rollout_observations.shape(1) == n &&
                        rollout_observations.shape(2) == env.observation_size() && rollout_observations.shape(0) >= 1,
                    "rollout observations must have shape (n_steps, n_envs, observation size)");
            const py::ssize_t horizon = rollout_observations.shape(0);
            require_writable(rollout_observations, "rollout observations");
            require_writable_shape(rollout_actions, "rollout actions", {horizon, n});
            require_writable_shape(rollout_rewards, "rollout rewards", {horizon, n});
            require_writable_shape(rollout_starts, "rollout episode starts", {horizon, n});
            require_writable_shape(rollout_values, "rollout values", {horizon, n});
            require_writable_shape(rollout_advantages, "rollout advantages", {horizon, n});
            require_writable_shape(rollout_returns, "rollout returns", {horizon, n});
            require_writable_shape(next_starts, "next episode starts", {n});
            require_writable_shape(rollout_meta, "rollout meta", {2});
            require(config.critic_kind != pg::CriticKind::none, "A2C needs a critic");
            require(n_steps >= 0 && step >= 0 && max_episode_steps >= 0,
                    "n_steps, step and max_episode_steps must be >= 0");
            pg::Rollout rollout{rollout_observations.mutable_data(), rollout_actions.mutable_data(),
                                rollout_rewards.mutable_data(),      rollout_starts.mutable_data(),
                                rollout_values.mutable_data(),       rollout_advantages.mutable_data(),
                                rollout_returns.mutable_data(),      next_starts.mutable_data(),
                                rollout_meta.mutable_data(),         static_cast<index_t>(horizon)};
            pg::A2cSchedule schedule;
            schedule.gamma = gamma;
            schedule.gae_lambda = gae_lambda;
            schedule.max_episode_steps = max_episode_steps;
            Rng rng = rng_from(rng_state);
            // Each copy finishes at most one episode per vector step.
            const py::ssize_t room = n_steps + n;
            Out<double> returns({room});
            Out<std::int64_t> lengths({room});
            pg::FinishedEpisodes finished{returns.mutable_data(), lengths.mutable_data(), 0};
            pg::CollectResult result;
            {
                py::gil_scoped_release release;
                result = pg::a2c_collect(env, copies, policy, config, rollout, schedule, step, n_steps, rng, finished);
                rng.store(rng_state.mutable_data());
            }
            return collect_tuple(result, returns, lengths, finished, step);
        },
        py::arg("env"), py::arg("env_states").noconvert(), py::arg("observations").noconvert(),
        py::arg("elapsed").noconvert(), py::arg("episode_returns").noconvert(), py::arg("actor"),
        py::arg("critic").none(true), py::arg("actor_params").noconvert(), py::arg("actor_grads").noconvert(),
        py::arg("actor_moments").noconvert(), py::arg("log_std").noconvert(), py::arg("log_std_grads").noconvert(),
        py::arg("log_std_moments").noconvert(), py::arg("critic_params").noconvert(),
        py::arg("critic_grads").noconvert(), py::arg("critic_moments").noconvert(), py::arg("config"),
        py::arg("rollout_observations").noconvert(), py::arg("rollout_actions").noconvert(),
        py::arg("rollout_rewards").noconvert(), py::arg("rollout_episode_starts").noconvert(),
        py::arg("rollout_values").noconvert(), py::arg("rollout_advantages").noconvert(),
        py::arg("rollout_returns").noconvert(), py::arg("next_episode_starts").noconvert(),
        py::arg("rollout_meta").noconvert(), py::arg("gamma"), py::arg("gae_lambda"), py::arg("max_episode_steps"),
        py::arg("step"), py::arg("n_steps"), py::arg("rng").noconvert(),
        "A2C on copies of a native environment for n_steps steps in whole vector steps; returns (steps taken, "
        "episode returns, episode lengths, updates, summed (policy_loss, entropy, value_loss, grad_norm), "
        "updates taken so far).");
}

}  // namespace zoo::bindings
