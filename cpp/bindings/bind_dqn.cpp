// pybind11 glue for DQN's kernels (zoo/dqn.hpp): the replay buffer as a
// bound view over its six arrays, and the learning step and collect loop,
// which take the networks as NetworkState views (network_state.hpp) and the
// environment as EnvCopies (bind_env_copies.cpp).
#include <string>

#include "bindings.hpp"
#include "network_state.hpp"
#include "zoo/dqn.hpp"

namespace zoo::bindings {

namespace {

using rl::index_t;

// zoo._core.ReplayBuffer: the ring's arrays, held zero-copy and checked once.
class ReplayBufferView {
public:
    ReplayBufferView(Out<float> observations, Out<float> next_observations, Out<std::int64_t> actions,
                     Out<float> rewards, Out<float> terminated, Out<std::int64_t> meta)
        : arrays_{observations, next_observations, actions, rewards, terminated, meta} {
        require(observations.ndim() == 2, "replay observations must be 2-D");
        const py::ssize_t capacity = observations.shape(0), width = observations.shape(1);
        require(capacity > 0, "the replay buffer needs a capacity of at least 1");
        require_shape(next_observations, "replay next_observations", {capacity, width});
        require_shape(actions, "replay actions", {capacity});
        require_shape(rewards, "replay rewards", {capacity});
        require_shape(terminated, "replay terminated", {capacity});
        require_shape(meta, "replay meta", {2});
        require(observations.writeable() && next_observations.writeable() && actions.writeable() &&
                    rewards.writeable() && terminated.writeable() && meta.writeable(),
                "replay arrays must be writable");
        const std::int64_t* m = meta.data();
        require(m[0] >= 0 && m[0] < capacity && m[1] >= 0 && m[1] <= capacity, "replay meta is inconsistent");
        buffer_ = {observations.mutable_data(), next_observations.mutable_data(), actions.mutable_data(),
                   rewards.mutable_data(),      terminated.mutable_data(),        meta.mutable_data(),
                   static_cast<index_t>(capacity), static_cast<index_t>(width)};
    }

    rl::ReplayBuffer& buffer() { return buffer_; }
    index_t size() const { return buffer_.meta[1]; }

    void add(In<float> obs, In<float> next_obs, std::int64_t action, double reward, bool terminal) {
        require(obs.size() == buffer_.obs_size && next_obs.size() == buffer_.obs_size,
                "observation size does not match the replay buffer");
        buffer_.add(obs.data(), next_obs.data(), action, reward, terminal);
    }

private:
    py::object arrays_[6];  // kept alive for buffer_'s pointers
    rl::ReplayBuffer buffer_{};
};

// The online network's state and the target's parameters, checked against each other.
rl::QNetworks q_networks(NetworkState& online, const NetworkState& target, const rl::DqnConfig& config) {
    require(&online.network() == &target.network() ||
                online.network().n_params == target.network().n_params,
            "the target network must have the online network's layout");
    const auto trainable = online.trainable<float>(config.train.optimizer);
    rl::QNetworks q;
    q.network = &online.network();
    q.params = trainable.params;
    q.grads = trainable.grads;
    q.optimizer_state = trainable.moments;
    q.buffers = online.buffers<float>();
    q.step = &online.step;
    q.target_params = target.params<float>();
    return q;
}

}  // namespace

void bind_dqn(py::module_& m) {
    py::class_<rl::DqnConfig>(m, "DqnConfig")
        .def(py::init<>())
        .def_readwrite("gamma", &rl::DqnConfig::gamma)
        .def_readwrite("double_q", &rl::DqnConfig::double_q)
        .def_readwrite("batch_size", &rl::DqnConfig::batch_size)
        .def_readwrite("train", &rl::DqnConfig::train);
    py::class_<rl::DqnSchedule>(m, "DqnSchedule")
        .def(py::init<>())
        .def_readwrite("num_timesteps", &rl::DqnSchedule::num_timesteps)
        .def_readwrite("total_timesteps", &rl::DqnSchedule::total_timesteps)
        .def_readwrite("epsilon_start", &rl::DqnSchedule::epsilon_start)
        .def_readwrite("epsilon_end", &rl::DqnSchedule::epsilon_end)
        .def_readwrite("exploration_fraction", &rl::DqnSchedule::exploration_fraction)
        .def_readwrite("learning_starts", &rl::DqnSchedule::learning_starts)
        .def_readwrite("train_freq", &rl::DqnSchedule::train_freq)
        .def_readwrite("gradient_steps", &rl::DqnSchedule::gradient_steps)
        .def_readwrite("target_update_interval", &rl::DqnSchedule::target_update_interval)
        .def_readwrite("tau", &rl::DqnSchedule::tau);
    py::class_<ReplayBufferView>(m, "ReplayBuffer",
                                 "The replay ring's six arrays (zoo.rl._replay.ReplayBuffer), held zero-copy.")
        .def(py::init<Out<float>, Out<float>, Out<std::int64_t>, Out<float>, Out<float>, Out<std::int64_t>>(),
             py::arg("observations").noconvert(), py::arg("next_observations").noconvert(),
             py::arg("actions").noconvert(), py::arg("rewards").noconvert(), py::arg("terminated").noconvert(),
             py::arg("meta").noconvert())
        .def("__len__", &ReplayBufferView::size)
        .def("add", &ReplayBufferView::add, py::arg("obs"), py::arg("next_obs"), py::arg("action"), py::arg("reward"),
             py::arg("terminal"), "Stores one transition in the ring.");

    m.def(
        "dqn_train",
        [](NetworkState& online, const NetworkState& target, ReplayBufferView& replay, const rl::DqnConfig& config,
           index_t gradient_steps, Out<std::uint64_t> rng_state) {
            rl::QNetworks q = q_networks(online, target, config);
            LearnerRng rng(rng_state);
            py::gil_scoped_release release;
            return rl::dqn_train(q, replay.buffer(), config, gradient_steps, rng.rng);
        },
        py::arg("online"), py::arg("target"), py::arg("replay"), py::arg("config"), py::arg("gradient_steps"),
        py::arg("rng").noconvert(),
        "DQN gradient steps from the replay buffer; returns the mean loss (online.step advances).");

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
        [](rl::EnvCopies& copies, NetworkState& online, const NetworkState& target, ReplayBufferView& replay,
           const rl::DqnConfig& config, const rl::DqnSchedule& schedule, index_t n_steps,
           Out<std::uint64_t> rng_state) {
            require(n_steps >= 0, "n_steps must be >= 0");
            rl::QNetworks q = q_networks(online, target, config);
            LearnerRng rng(rng_state);
            Out<double> returns({n_steps});
            Out<std::int64_t> lengths({n_steps});
            rl::FinishedEpisodes finished{returns.mutable_data(), lengths.mutable_data(), 0};
            rl::DqnCollectResult result;
            {
                py::gil_scoped_release release;
                result = rl::dqn_collect(copies, q, replay.buffer(), config, schedule, n_steps, rng.rng, finished);
            }
            returns.resize({finished.count});
            lengths.resize({finished.count});
            return py::make_tuple(returns, lengths, result.loss_sum, result.n_updates);
        },
        py::arg("copies"), py::arg("online"), py::arg("target"), py::arg("replay"), py::arg("config"),
        py::arg("schedule"), py::arg("n_steps"), py::arg("rng").noconvert(),
        "n_steps of DQN on one copy of an environment; returns (episode returns, episode lengths, loss sum, "
        "gradient steps); online.step advances.");
}

}  // namespace zoo::bindings
