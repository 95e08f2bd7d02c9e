// pybind11 glue for the policy-gradient kernels (REINFORCE, A2C;
// zoo/policy_gradient.hpp). A policy arrives as a PolicyState view (its
// actor's and critic's NetworkStates, the Gaussian's log standard
// deviations and the update count); REINFORCE's episode buffer and A2C's
// rollout as views over their arrays; the environment as EnvCopies. Each
// view holds its arrays zero-copy and checks them once, when Python builds it.
#include <optional>
#include <string>

#include "bindings.hpp"
#include "network_state.hpp"
#include "zoo/policy_gradient.hpp"

namespace zoo::bindings {

namespace {

namespace pg = rl::pg;
using pg::index_t;

bool gaussian(const pg::PgConfig& config) { return config.action_kind == pg::ActionKind::gaussian; }

// zoo._core.PolicyState.
class PolicyState {
public:
    PolicyState(py::object actor, py::object critic, py::object log_std, py::object log_std_grads,
                py::object log_std_optimizer_state, std::int64_t step_)
        : step(step_), actor_object_(std::move(actor)), critic_object_(std::move(critic)),
          actor_(&actor_object_.cast<NetworkState&>()),
          critic_(critic_object_.is_none() ? nullptr : &critic_object_.cast<NetworkState&>()),
          log_std_(std::move(log_std)), log_std_grads_(std::move(log_std_grads)),
          log_std_moments_(std::move(log_std_optimizer_state)) {
        require(step >= 0, "step must be >= 0");
        require(critic_ == nullptr || actor_->holds<float>() == critic_->holds<float>(),
                "the actor and the critic must hold arrays of one dtype");
        const py::dtype dtype = actor_->params_array().dtype();
        if (!log_std_.is_none()) {
            const auto values = checked(log_std_, "log_std", dtype);
            const py::ssize_t dim = values.shape(0);
            if (!log_std_grads_.is_none() || !log_std_moments_.is_none()) {
                require(!log_std_grads_.is_none() && !log_std_moments_.is_none(),
                        "log_std_grads and log_std_optimizer_state come together");
                require_shape(checked(log_std_grads_, "log_std_grads", dtype), "log_std_grads", {dim});
                require_shape(checked(log_std_moments_, "log_std_optimizer_state", dtype), "log_std_optimizer_state",
                              {-1, dim});
            }
        } else {
            require(log_std_grads_.is_none() && log_std_moments_.is_none(), "log_std's arrays come with log_std");
        }
    }

    template <class T>
    bool holds() const {
        return actor_->holds<T>();
    }

    // Everything an update reads and writes, checked against the configuration.
    template <class T>
    pg::Policy<T> learning(const pg::PgConfig& config) const {
        pg::Policy<T> policy = shape<T>(config);
        const auto actor = actor_->trainable<T>(config.actor_optimizer);
        policy.actor_state = {actor.params, actor.grads, actor.moments};
        if (critic_ != nullptr) {
            const auto critic = critic_->trainable<T>(config.critic_optimizer);
            policy.critic_state = {critic.params, critic.grads, critic.moments};
        }
        if (gaussian(config)) {
            require(!log_std_grads_.is_none(), "log_std has no gradients or optimizer state: it can act but not learn");
            py::array values(log_std_), grads(log_std_grads_), moments(log_std_moments_);
            require(moments.shape(0) == nn::optimizer_slots(config.actor_optimizer),
                    "log_std's optimizer state has the wrong number of slots for the optimizer");
            policy.log_std = {static_cast<T*>(values.mutable_data()), static_cast<T*>(grads.mutable_data()),
                              static_cast<T*>(moments.mutable_data())};
        }
        pg::check_policy(policy, config);
        return policy;
    }

    // Acting reads only the parameters (the Trainable pointers stay read-only there).
    pg::Policy<float> acting(const pg::PgConfig& config) const {
        pg::Policy<float> policy = shape<float>(config);
        policy.actor_state.params = const_cast<float*>(actor_->values<float>());
        if (critic_ != nullptr) policy.critic_state.params = const_cast<float*>(critic_->values<float>());
        if (gaussian(config)) policy.log_std.params = static_cast<float*>(py::array(log_std_).mutable_data());
        pg::check_policy(policy, config);
        return policy;
    }

    std::int64_t step;  // updates taken so far (Adam's bias correction for every part of the policy)

private:
    static py::array checked(const py::object& value, const char* name, const py::dtype& dtype) {
        if (!py::isinstance<py::array>(value)) throw py::type_error(std::string(name) + " must be a NumPy array");
        auto a = py::reinterpret_borrow<py::array>(value);
        require(same_dtype(a.dtype(), dtype), std::string(name) + " must hold the actor's dtype");
        require(a.ndim() >= 1 && (a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
        require_writable(a, name);
        return a;
    }

    // The networks, and log_std's presence and size, before any array is taken.
    template <class T>
    pg::Policy<T> shape(const pg::PgConfig& config) const {
        require(gaussian(config) == !log_std_.is_none(), "log_std is needed by (and only by) a Gaussian policy");
        if (gaussian(config))
            require_shape(py::array(log_std_), "log_std", {static_cast<py::ssize_t>(config.action_dim)});
        pg::Policy<T> policy;
        policy.actor = &actor_->network();
        policy.critic = critic_ != nullptr ? &critic_->network() : nullptr;
        return policy;
    }

    py::object actor_object_, critic_object_;
    const NetworkState* actor_;
    const NetworkState* critic_;
    py::object log_std_, log_std_grads_, log_std_moments_;
};

template <class T>
pg::Batch<T> batch_from(const pg::PgConfig& config, index_t n_inputs, const In<T>& observations,
                        const py::array& actions, const In<T>& advantages, const In<T>& returns,
                        In<std::int64_t>& discrete, In<T>& continuous) {
    require(observations.ndim() == 2 && observations.shape(1) == n_inputs,
            "observations must have shape (n, " + std::to_string(n_inputs) + ")");
    const py::ssize_t n = observations.shape(0);
    require(n >= 1, "an update needs at least one sample");
    require_shape(advantages, "advantages", {n});
    require_shape(returns, "returns", {n});
    pg::Batch<T> batch;
    batch.observations = observations.data();
    batch.advantages = advantages.data();
    batch.returns = returns.data();
    batch.n = n;
    if (!gaussian(config)) {
        discrete = In<std::int64_t>::ensure(actions);
        require(discrete && discrete.ndim() == 1 && discrete.shape(0) == n, "actions must have shape (n,)");
        const std::int64_t* d = discrete.data();
        for (py::ssize_t i = 0; i < n; ++i)
            require(d[i] >= 0 && d[i] < config.action_dim, "actions must lie in [0, n_actions)");
        batch.discrete_actions = d;
    } else {
        continuous = In<T>::ensure(actions);
        require(continuous && continuous.ndim() == 2 && continuous.shape(0) == n &&
                    continuous.shape(1) == config.action_dim,
                "actions must have shape (n, " + std::to_string(config.action_dim) + ")");
        batch.continuous_actions = continuous.data();
    }
    return batch;
}

// One update (or, with apply = false, only its gradients) in T.
template <class T>
py::tuple learn(PolicyState& state, const pg::PgConfig& config, const py::array& observations,
                const py::array& actions, const py::array& advantages, const py::array& returns, bool apply) {
    const pg::Policy<T> policy = state.learning<T>(config);
    const auto x = In<T>::ensure(observations), a = In<T>::ensure(advantages), g = In<T>::ensure(returns);
    require(x && a && g, "observations, advantages and returns must be arrays of numbers");
    In<std::int64_t> discrete;
    In<T> continuous;
    const pg::Batch<T> batch = batch_from(config, policy.actor->n_inputs(), x, actions, a, g, discrete, continuous);
    pg::UpdateStats s;
    {
        py::gil_scoped_release release;
        s = apply ? pg::update(policy, config, batch, state.step) : pg::gradients(policy, config, batch);
    }
    if (apply) ++state.step;
    return py::make_tuple(s.policy_loss, s.entropy, s.value_loss, s.grad_norm);
}

py::tuple learn_any(PolicyState& state, const pg::PgConfig& config, const py::array& observations,
                    const py::array& actions, const py::array& advantages, const py::array& returns, bool apply) {
    return state.holds<float>() ? learn<float>(state, config, observations, actions, advantages, returns, apply)
                                : learn<double>(state, config, observations, actions, advantages, returns, apply);
}

// The actions a loop writes: int64 for a categorical policy, float32 rows of action_dim for a Gaussian one.
struct ActionArrays {
    std::int64_t* discrete = nullptr;
    float* continuous = nullptr;
};

ActionArrays actions_from(const py::array& actions, std::initializer_list<py::ssize_t> rows) {
    if (same_dtype(actions.dtype(), py::dtype::of<std::int64_t>())) {
        auto a = py::reinterpret_borrow<Out<std::int64_t>>(actions);
        require_shape(a, "actions", rows);
        return {a.mutable_data(), nullptr};
    }
    require(same_dtype(actions.dtype(), py::dtype::of<float>()), "actions must hold int64 (Discrete) or float32 (Box) values");
    require(actions.ndim() == static_cast<py::ssize_t>(rows.size()) + 1, "Box actions need one more axis");
    auto a = py::reinterpret_borrow<Out<float>>(actions);
    std::vector<py::ssize_t> shape(rows);
    for (std::size_t i = 0; i < shape.size(); ++i)
        require(a.shape(static_cast<py::ssize_t>(i)) == shape[i], "actions have the wrong shape");
    return {nullptr, a.mutable_data()};
}

py::array writable_c_array(py::array a, const char* name) {
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    require_writable(a, name);
    return a;
}

// The arrays a loop's actions are written to must match the policy's head.
void require_actions_fit(const ActionArrays& actions, const py::array& array, const pg::PgConfig& config) {
    if (gaussian(config))
        require(actions.continuous != nullptr && array.shape(array.ndim() - 1) == config.action_dim,
                "a Gaussian policy records float32 actions of action_dim values");
    else
        require(actions.discrete != nullptr, "a categorical policy records int64 actions");
}

// zoo._core.EpisodeBuffer: REINFORCE's steps since its last update.
class EpisodeBufferView {
public:
    EpisodeBufferView(Out<float> observations, py::array actions, Out<float> rewards, Out<float> episode_ends,
                      Out<float> returns, Out<std::int64_t> meta)
        : arrays_{observations, actions, rewards, episode_ends, returns, meta} {
        require(observations.ndim() == 2 && observations.shape(0) >= 1,
                "buffer observations must have shape (capacity, observation size)");
        const py::ssize_t capacity = observations.shape(0);
        const ActionArrays a = actions_from(writable_c_array(actions, "buffer actions"), {capacity});
        for (auto* array : {&rewards, &episode_ends, &returns}) require_shape(*array, "buffer arrays", {capacity});
        require_shape(meta, "buffer meta", {2});
        for (auto* array : {&observations, &rewards, &episode_ends, &returns})
            require_writable(*array, "buffer arrays");
        require_writable(meta, "buffer meta");
        buffer_ = {observations.mutable_data(), a.discrete, a.continuous, rewards.mutable_data(),
                   episode_ends.mutable_data(), returns.mutable_data(), meta.mutable_data(),
                   static_cast<index_t>(capacity)};
        observation_size_ = observations.shape(1);
    }

    pg::EpisodeBuffer& checked(const rl::EnvCopies& copies, const pg::PgConfig& config) {
        require(observation_size_ == copies.observation_size(), "the buffer's observations do not fit the environment");
        require_actions_fit({buffer_.actions, buffer_.continuous_actions}, py::array(arrays_[1]), config);
        return buffer_;
    }

private:
    py::object arrays_[6];
    pg::EpisodeBuffer buffer_;
    py::ssize_t observation_size_ = 0;
};

// zoo._core.Rollout: A2C's n_steps x n_envs steps, filled across chunks.
class RolloutView {
public:
    RolloutView(Out<float> observations, py::array actions, Out<float> rewards, Out<float> episode_starts,
                Out<float> values, Out<float> advantages, Out<float> returns, Out<float> next_starts,
                Out<std::int64_t> meta)
        : arrays_{observations, actions, rewards, episode_starts, values, advantages, returns, next_starts, meta} {
        require(observations.ndim() == 3 && observations.shape(0) >= 1 && observations.shape(1) >= 1,
                "rollout observations must have shape (n_steps, n_envs, observation size)");
        const py::ssize_t horizon = observations.shape(0), n = observations.shape(1);
        const ActionArrays a = actions_from(writable_c_array(actions, "rollout actions"), {horizon, n});
        for (auto* array : {&observations, &rewards, &episode_starts, &values, &advantages, &returns, &next_starts})
            require_writable(*array, "rollout arrays");
        for (auto* array : {&rewards, &episode_starts, &values, &advantages, &returns})
            require_shape(*array, "rollout arrays", {horizon, n});
        require_shape(next_starts, "next episode starts", {n});
        require_shape(meta, "rollout meta", {2});
        require_writable(meta, "rollout meta");
        rollout_ = {observations.mutable_data(), a.discrete,           a.continuous,
                    rewards.mutable_data(),      episode_starts.mutable_data(), values.mutable_data(),
                    advantages.mutable_data(),   returns.mutable_data(), next_starts.mutable_data(),
                    meta.mutable_data(),         static_cast<index_t>(horizon)};
        n_envs_ = n;
        observation_size_ = observations.shape(2);
    }

    pg::Rollout& checked(const rl::EnvCopies& copies, const pg::PgConfig& config) {
        require(n_envs_ == copies.size() && observation_size_ == copies.observation_size(),
                "the rollout does not fit the environment copies");
        require_actions_fit({rollout_.actions, rollout_.continuous_actions}, py::array(arrays_[1]), config);
        return rollout_;
    }

private:
    py::object arrays_[9];
    pg::Rollout rollout_;
    py::ssize_t n_envs_ = 0, observation_size_ = 0;
};

// What a loop reports: (steps taken, episode returns, episode lengths, updates, summed statistics).
template <class Run>
py::tuple collect(PolicyState& state, const pg::PgConfig& config, index_t n_steps, index_t room,
                  Out<std::uint64_t>& rng_state, Run&& run) {
    require(n_steps >= 0, "n_steps must be >= 0");
    const pg::Policy<float> policy = state.learning<float>(config);
    LearnerRng rng(rng_state);
    Out<double> returns({room});
    Out<std::int64_t> lengths({room});
    rl::FinishedEpisodes finished{returns.mutable_data(), lengths.mutable_data(), 0};
    pg::CollectResult result;
    {
        py::gil_scoped_release release;
        result = run(policy, state.step, rng.rng, finished);
    }
    returns.resize({finished.count});
    lengths.resize({finished.count});
    const pg::UpdateStats& s = result.stats_sum;
    return py::make_tuple(result.steps, returns, lengths, result.n_updates,
                          py::make_tuple(s.policy_loss, s.entropy, s.value_loss, s.grad_norm));
}

void bind_views(py::module_& m) {
    py::class_<PolicyState>(m, "PolicyState",
                            "A policy as the policy-gradient kernels take it: the actor's (and a separate critic's) "
                            "NetworkState, the Gaussian's log standard deviations with their gradients and "
                            "optimizer state, and the update count.")
        .def(py::init<py::object, py::object, py::object, py::object, py::object, std::int64_t>(), py::arg("actor"),
             py::arg("critic") = py::none(), py::arg("log_std") = py::none(), py::arg("log_std_grads") = py::none(),
             py::arg("log_std_optimizer_state") = py::none(), py::arg("step") = 0)
        .def_readwrite("step", &PolicyState::step, "Updates taken so far.");
    py::class_<EpisodeBufferView>(m, "EpisodeBuffer",
                                  "REINFORCE's steps since its last update (zoo.rl.reinforce), held zero-copy.")
        .def(py::init<Out<float>, py::array, Out<float>, Out<float>, Out<float>, Out<std::int64_t>>(),
             py::arg("observations").noconvert(), py::arg("actions").noconvert(), py::arg("rewards").noconvert(),
             py::arg("episode_ends").noconvert(), py::arg("returns").noconvert(), py::arg("meta").noconvert());
    py::class_<RolloutView>(m, "Rollout", "A2C's rollout (zoo.rl.actor_critic), held zero-copy.")
        .def(py::init<Out<float>, py::array, Out<float>, Out<float>, Out<float>, Out<float>, Out<float>, Out<float>,
                      Out<std::int64_t>>(),
             py::arg("observations").noconvert(), py::arg("actions").noconvert(), py::arg("rewards").noconvert(),
             py::arg("episode_starts").noconvert(), py::arg("values").noconvert(), py::arg("advantages").noconvert(),
             py::arg("returns").noconvert(), py::arg("next_starts").noconvert(), py::arg("meta").noconvert());
    py::class_<pg::ReinforceSchedule>(m, "ReinforceSchedule")
        .def(py::init<>())
        .def_readwrite("gamma", &pg::ReinforceSchedule::gamma)
        .def_readwrite("n_episodes_per_update", &pg::ReinforceSchedule::n_episodes_per_update)
        .def_readwrite("batch_steps", &pg::ReinforceSchedule::batch_steps);
    py::class_<pg::A2cSchedule>(m, "A2cSchedule")
        .def(py::init<>())
        .def_readwrite("gamma", &pg::A2cSchedule::gamma)
        .def_readwrite("gae_lambda", &pg::A2cSchedule::gae_lambda);
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
    bind_views(m);

    const auto bind_learning = [&m](const char* name, bool apply, const char* doc) {
        m.def(
            name,
            [apply](PolicyState& policy, const pg::PgConfig& config, const py::array& observations,
                    const py::array& actions, const py::array& advantages, const py::array& returns) {
                return learn_any(policy, config, observations, actions, advantages, returns, apply);
            },
            py::arg("policy"), py::arg("config"), py::arg("observations"), py::arg("actions"),
            py::arg("advantages"), py::arg("returns"), doc);
    };
    bind_learning("pg_update", true,
                  "One optimizer step on the policy-gradient loss, in the policy's dtype (policy.step advances); "
                  "returns (policy_loss, entropy, value_loss, grad_norm before clipping).");
    bind_learning("pg_gradients", false,
                  "Gradients of the policy-gradient loss into the grads arrays, no update (for gradient checks); "
                  "returns (policy_loss, entropy, value_loss, grad_norm).");

    m.def(
        "pg_act",
        [](const PolicyState& state, const pg::PgConfig& config, In<float> observations, bool deterministic,
           Out<std::uint64_t> rng_state, bool with_values) {
            const pg::Policy<float> policy = state.acting(config);
            require(observations.ndim() == 2 && observations.shape(1) == policy.actor->n_inputs(),
                    "observations must have shape (n, " + std::to_string(policy.actor->n_inputs()) + ")");
            require(!with_values || config.critic_kind != pg::CriticKind::none, "values need a critic");
            const py::ssize_t n = observations.shape(0);
            py::array actions = gaussian(config)
                                    ? py::array(Out<float>({n, static_cast<py::ssize_t>(config.action_dim)}))
                                    : py::array(Out<std::int64_t>({n}));
            Out<float> values({with_values ? n : py::ssize_t(0)});
            std::int64_t* discrete = gaussian(config) ? nullptr : static_cast<std::int64_t*>(actions.mutable_data());
            float* continuous = gaussian(config) ? static_cast<float*>(actions.mutable_data()) : nullptr;
            float* v = with_values ? values.mutable_data() : nullptr;
            LearnerRng rng(rng_state);
            {
                py::gil_scoped_release release;
                pg::act(policy, config, observations.data(), n, deterministic, rng.rng, discrete, continuous, v);
            }
            return py::make_tuple(actions, with_values ? py::object(values) : py::object(py::none()));
        },
        py::arg("policy"), py::arg("config"), py::arg("observations"), py::arg("deterministic"),
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
        [](rl::EnvCopies& copies, PolicyState& policy, const pg::PgConfig& config, EpisodeBufferView& buffer,
           const pg::ReinforceSchedule& schedule, index_t n_steps, Out<std::uint64_t> rng_state) {
            pg::EpisodeBuffer& episodes = buffer.checked(copies, config);
            require(schedule.n_episodes_per_update >= 1 && schedule.batch_steps >= 0,
                    "n_episodes_per_update must be >= 1 and batch_steps >= 0");
            // One copy finishes at most one episode per step.
            return collect(policy, config, n_steps, n_steps, rng_state,
                           [&](const pg::Policy<float>& p, std::int64_t& step, Rng& rng,
                               rl::FinishedEpisodes& finished) {
                               return pg::reinforce_collect(copies, p, config, episodes, schedule, step, n_steps, rng,
                                                            finished);
                           });
        },
        py::arg("copies"), py::arg("policy"), py::arg("config"), py::arg("buffer"), py::arg("schedule"),
        py::arg("n_steps"), py::arg("rng").noconvert(),
        "REINFORCE on one copy of an environment for up to n_steps steps (fewer when the buffer fills); returns "
        "(steps taken, episode returns, episode lengths, updates, summed (policy_loss, entropy, value_loss, "
        "grad_norm)); policy.step advances.");

    m.def(
        "a2c_collect",
        [](rl::EnvCopies& copies, PolicyState& policy, const pg::PgConfig& config, RolloutView& rollout,
           const pg::A2cSchedule& schedule, index_t n_steps, Out<std::uint64_t> rng_state) {
            pg::Rollout& steps = rollout.checked(copies, config);
            require(config.critic_kind != pg::CriticKind::none, "A2C needs a critic");
            // Each copy finishes at most one episode per vector step.
            return collect(policy, config, n_steps, n_steps + copies.size(), rng_state,
                           [&](const pg::Policy<float>& p, std::int64_t& step, Rng& rng,
                               rl::FinishedEpisodes& finished) {
                               return pg::a2c_collect(copies, p, config, steps, schedule, step, n_steps, rng, finished);
                           });
        },
        py::arg("copies"), py::arg("policy"), py::arg("config"), py::arg("rollout"), py::arg("schedule"),
        py::arg("n_steps"), py::arg("rng").noconvert(),
        "A2C on copies of an environment for n_steps steps in whole vector steps; returns (steps taken, "
        "episode returns, episode lengths, updates, summed (policy_loss, entropy, value_loss, grad_norm)); "
        "policy.step advances.");
}

}  // namespace zoo::bindings
