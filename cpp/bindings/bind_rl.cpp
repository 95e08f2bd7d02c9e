// pybind11 glue for the RL learners' kernels (replay buffer, DQN). The
// replay buffer arrives as its six arrays, in the order of
// zoo.rl._replay.ReplayBuffer.arrays().
#include <string>

#include "bindings.hpp"
#include "zoo/rl.hpp"

namespace zoo::bindings {

namespace {

using rl::index_t;

rl::ReplayBuffer replay_from(Out<float>& observations, Out<float>& next_observations, Out<std::int64_t>& actions,
                             Out<float>& rewards, Out<float>& terminated, Out<std::int64_t>& meta) {
    require(observations.ndim() == 2, "replay observations must be 2-D");
    const py::ssize_t capacity = observations.shape(0), width = observations.shape(1);
    require(capacity > 0, "the replay buffer needs a capacity of at least 1");
    require_shape(next_observations, "replay next_observations", {capacity, width});
    require_shape(actions, "replay actions", {capacity});
    require_shape(rewards, "replay rewards", {capacity});
    require_shape(terminated, "replay terminated", {capacity});
    require_shape(meta, "replay meta", {2});
    require(observations.writeable() && next_observations.writeable() && actions.writeable() && rewards.writeable() &&
                terminated.writeable() && meta.writeable(),
            "replay arrays must be writable");
    const std::int64_t* m = meta.data();
    require(m[0] >= 0 && m[0] < capacity && m[1] >= 0 && m[1] <= capacity, "replay meta is inconsistent");
    return {observations.mutable_data(), next_observations.mutable_data(), actions.mutable_data(),
            rewards.mutable_data(),      terminated.mutable_data(),        meta.mutable_data(),
            static_cast<index_t>(capacity), static_cast<index_t>(width)};
}

void require_length(const Out<float>& a, const char* name, index_t length) {
    require(a.ndim() == 1 && a.shape(0) == length, std::string(name) + " has the wrong size for this network");
    require_writable(a, name);
}

rl::RngState rng_from(Out<std::uint64_t>& words) {
    require_shape(words, "rng state", {4});
    require_writable(words, "rng state");
    return {words.mutable_data()};
}

struct NetworkState {
    float* params;
    float* target;
    float* grads;
    float* moments;
    const float* buffers;
};

NetworkState network_state_from(const nn::Network& net, Out<float>& params, Out<float>& target, Out<float>& grads,
                                Out<float>& moments, Out<float>& buffers, const nn::OptimizerConfig& optimizer) {
    require_length(params, "params", net.n_params);
    require_length(target, "target params", net.n_params);
    require_length(grads, "grads", net.n_params);
    require_length(buffers, "buffers", net.n_buffers);
    require_shape(moments, "optimizer state", {nn::optimizer_slots(optimizer), net.n_params});
    require_writable(moments, "optimizer state");
    return {params.mutable_data(), target.mutable_data(), grads.mutable_data(), moments.mutable_data(), buffers.data()};
}

}  // namespace

void bind_rl(py::module_& m) {
    py::class_<rl::DqnConfig>(m, "DqnConfig")
        .def(py::init<>())
        .def_readwrite("gamma", &rl::DqnConfig::gamma)
        .def_readwrite("double_q", &rl::DqnConfig::double_q)
        .def_readwrite("batch_size", &rl::DqnConfig::batch_size)
        .def_readwrite("train", &rl::DqnConfig::train);
    py::class_<rl::CollectSchedule>(m, "CollectSchedule")
        .def(py::init<>())
        .def_readwrite("num_timesteps", &rl::CollectSchedule::num_timesteps)
        .def_readwrite("total_timesteps", &rl::CollectSchedule::total_timesteps)
        .def_readwrite("epsilon_start", &rl::CollectSchedule::epsilon_start)
        .def_readwrite("epsilon_end", &rl::CollectSchedule::epsilon_end)
        .def_readwrite("exploration_fraction", &rl::CollectSchedule::exploration_fraction)
        .def_readwrite("learning_starts", &rl::CollectSchedule::learning_starts)
        .def_readwrite("train_freq", &rl::CollectSchedule::train_freq)
        .def_readwrite("gradient_steps", &rl::CollectSchedule::gradient_steps)
        .def_readwrite("target_update_interval", &rl::CollectSchedule::target_update_interval)
        .def_readwrite("tau", &rl::CollectSchedule::tau)
        .def_readwrite("max_episode_steps", &rl::CollectSchedule::max_episode_steps);

    m.def("dqn_epsilon", [](const rl::CollectSchedule& schedule, std::int64_t t) { return rl::epsilon_at(schedule, t); },
          py::arg("schedule"), py::arg("t"),
          "The exploration rate at step t of the schedule (the one dqn_collect uses).");
    m.def(
        "rl_soft_update",
        [](Out<float> target, In<float> online, double tau) {
            require(target.ndim() == 1 && online.ndim() == 1 && target.shape(0) == online.shape(0),
                    "target and online parameters must be 1-D arrays of one length");
            require_writable(target, "target params");
            require(tau > 0 && tau <= 1, "tau must be in (0, 1]");
            rl::soft_update(target.mutable_data(), online.data(), target.shape(0), tau);
        },
        py::arg("target").noconvert(), py::arg("online"), py::arg("tau"),
        "target <- tau * online + (1 - tau) * target, in place (tau = 1: a copy).");
    m.def(
        "rl_replay_add",
        [](Out<float> observations, Out<float> next_observations, Out<std::int64_t> actions, Out<float> rewards,
           Out<float> terminated, Out<std::int64_t> meta, In<float> obs, In<float> next_obs, std::int64_t action,
           double reward, bool terminal) {
            rl::ReplayBuffer buffer = replay_from(observations, next_observations, actions, rewards, terminated, meta);
            require(obs.size() == buffer.obs_size && next_obs.size() == buffer.obs_size,
                    "observation size does not match the replay buffer");
            buffer.add(obs.data(), next_obs.data(), action, reward, terminal);
        },
        py::arg("observations").noconvert(), py::arg("next_observations").noconvert(), py::arg("actions").noconvert(),
        py::arg("rewards").noconvert(), py::arg("terminated").noconvert(), py::arg("meta").noconvert(),
        py::arg("obs"), py::arg("next_obs"), py::arg("action"), py::arg("reward"), py::arg("terminal"),
        "Stores one transition in the ring.");

    m.def(
        "dqn_train",
        [](const nn::Network& net, Out<float> observations, Out<float> next_observations, Out<std::int64_t> actions,
           Out<float> rewards, Out<float> terminated, Out<std::int64_t> meta, Out<float> params, Out<float> target,
           Out<float> grads, Out<float> moments, std::int64_t optimizer_step, Out<float> buffers,
           const rl::DqnConfig& config, index_t gradient_steps, Out<std::uint64_t> rng) {
            const rl::ReplayBuffer buffer =
                replay_from(observations, next_observations, actions, rewards, terminated, meta);
            const NetworkState s = network_state_from(net, params, target, grads, moments, buffers, config.train.optimizer);
            const rl::RngState r = rng_from(rng);
            double loss;
            {
                py::gil_scoped_release release;
                loss = rl::dqn_train(net, buffer, s.params, s.target, s.grads, s.moments, optimizer_step, s.buffers,
                                     config, gradient_steps, r);
            }
            return py::make_tuple(loss, optimizer_step);
        },
        py::arg("network"), py::arg("observations").noconvert(), py::arg("next_observations").noconvert(),
        py::arg("actions").noconvert(), py::arg("rewards").noconvert(), py::arg("terminated").noconvert(),
        py::arg("meta").noconvert(), py::arg("params").noconvert(), py::arg("target_params").noconvert(),
        py::arg("grads").noconvert(), py::arg("optimizer_state").noconvert(), py::arg("optimizer_step"),
        py::arg("buffers").noconvert(), py::arg("config"), py::arg("gradient_steps"), py::arg("rng").noconvert(),
        "DQN gradient steps from the replay buffer; returns (mean loss, optimizer steps taken so far).");

    m.def(
        "dqn_greedy",
        [](const nn::Network& net, In<float> params, In<float> buffers, In<float> observations) {
            require(observations.ndim() == 2 && observations.shape(1) == net.n_inputs(),
                    "observations must have shape (n, " + std::to_string(net.n_inputs()) + ")");
            require(params.ndim() == 1 && params.shape(0) == net.n_params, "params has the wrong size for this network");
            require(buffers.ndim() == 1 && buffers.shape(0) == net.n_buffers, "buffers have the wrong size");
            Out<std::int64_t> actions({observations.shape(0)});
            std::int64_t* a = actions.mutable_data();
            {
                py::gil_scoped_release release;
                rl::dqn_greedy(net, params.data(), buffers.data(), observations.data(), observations.shape(0), a);
            }
            return actions;
        },
        py::arg("network"), py::arg("params"), py::arg("buffers"), py::arg("observations"),
        "argmax_a Q(s, a) for each observation.");

    m.def(
        "dqn_collect",
        [](const rl::Env& env, Out<std::uint64_t> env_state, Out<float> observation, Out<std::int64_t> counters,
           Out<double> episode_return, const nn::Network& net, Out<float> observations, Out<float> next_observations,
           Out<std::int64_t> actions, Out<float> rewards, Out<float> terminated, Out<std::int64_t> meta,
           Out<float> params, Out<float> target, Out<float> grads, Out<float> moments, std::int64_t optimizer_step,
           Out<float> buffers, const rl::DqnConfig& config, const rl::CollectSchedule& schedule, index_t n_steps,
           Out<std::uint64_t> rng) {
            require(n_steps >= 0, "n_steps must be >= 0");
            require(static_cast<std::size_t>(env_state.size()) * 8 == env.state_bytes(),
                    "environment state record has the wrong size");
            require(observation.size() == env.observation_size(), "observation has the wrong size");
            require_shape(counters, "counters", {1});
            require_shape(episode_return, "episode return", {1});
            rl::ReplayBuffer buffer = replay_from(observations, next_observations, actions, rewards, terminated, meta);
            const NetworkState s = network_state_from(net, params, target, grads, moments, buffers, config.train.optimizer);
            const rl::RngState r = rng_from(rng);
            Out<double> returns({n_steps});
            Out<std::int64_t> lengths({n_steps});
            rl::EpisodeCursor cursor{reinterpret_cast<std::byte*>(env_state.mutable_data()), observation.mutable_data(),
                                     counters.mutable_data(), episode_return.mutable_data()};
            double* ret = returns.mutable_data();
            std::int64_t* len = lengths.mutable_data();
            rl::CollectResult result;
            {
                py::gil_scoped_release release;
                result = rl::dqn_collect(env, cursor, net, buffer, s.params, s.target, s.grads, s.moments,
                                         optimizer_step, s.buffers, config, schedule, n_steps, r, ret, len);
            }
            returns.resize({result.n_episodes});
            lengths.resize({result.n_episodes});
            return py::make_tuple(returns, lengths, result.loss_sum, result.n_updates, optimizer_step);
        },
        py::arg("env"), py::arg("env_state").noconvert(), py::arg("observation").noconvert(),
        py::arg("counters").noconvert(), py::arg("episode_return").noconvert(), py::arg("network"),
        py::arg("observations").noconvert(), py::arg("next_observations").noconvert(),
        py::arg("actions").noconvert(), py::arg("rewards").noconvert(), py::arg("terminated").noconvert(),
        py::arg("meta").noconvert(), py::arg("params").noconvert(), py::arg("target_params").noconvert(),
        py::arg("grads").noconvert(), py::arg("optimizer_state").noconvert(), py::arg("optimizer_step"),
        py::arg("buffers").noconvert(), py::arg("config"), py::arg("schedule"), py::arg("n_steps"),
        py::arg("rng").noconvert(),
        "DQN on a native environment for n_steps; returns (episode returns, episode lengths, loss sum, "
        "gradient steps, optimizer steps taken so far).");
}

}  // namespace zoo::bindings
