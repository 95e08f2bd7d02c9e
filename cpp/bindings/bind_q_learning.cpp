// pybind11 glue for tabular TD control (zoo.rl.QLearning): the configuration,
// its schedules (so the Python-environment loop uses the same ones), and the
// native loop over a running episode's arrays, in the order of
// zoo.rl._native.NativeEpisode.arrays().
#include <string>

#include "bindings.hpp"
#include "zoo/q_learning.hpp"

namespace zoo::bindings {

void bind_q_learning(py::module_& m) {
    using rl::TabularConfig;

    py::enum_<rl::TdMethod>(m, "TdMethod")
        .value("q_learning", rl::TdMethod::q_learning)
        .value("sarsa", rl::TdMethod::sarsa)
        .value("expected_sarsa", rl::TdMethod::expected_sarsa);
    py::enum_<rl::EpsilonDecay>(m, "EpsilonDecay")
        .value("linear", rl::EpsilonDecay::linear)
        .value("exponential", rl::EpsilonDecay::exponential);
    py::class_<TabularConfig>(m, "TabularConfig")
        .def(py::init<>())
        .def_readwrite("method", &TabularConfig::method)
        .def_readwrite("gamma", &TabularConfig::gamma)
        .def_readwrite("learning_rate", &TabularConfig::learning_rate)
        .def_readwrite("learning_rate_decay", &TabularConfig::learning_rate_decay)
        .def_readwrite("learning_rate_min", &TabularConfig::learning_rate_min)
        .def_readwrite("epsilon_decay", &TabularConfig::epsilon_decay)
        .def_readwrite("epsilon_start", &TabularConfig::epsilon_start)
        .def_readwrite("epsilon_min", &TabularConfig::epsilon_min)
        .def_readwrite("exploration_fraction", &TabularConfig::exploration_fraction)
        .def_readwrite("epsilon_decay_rate", &TabularConfig::epsilon_decay_rate)
        .def_readwrite("num_timesteps", &TabularConfig::num_timesteps)
        .def_readwrite("total_timesteps", &TabularConfig::total_timesteps)
        .def_readwrite("num_episodes", &TabularConfig::num_episodes)
        .def_readwrite("max_episode_steps", &TabularConfig::max_episode_steps);

    m.def("tabular_epsilon", &rl::tabular_epsilon, py::arg("config"), py::arg("t"), py::arg("episodes"),
          "Exploration rate of the action taken at step t after `episodes` finished episodes.");
    m.def("tabular_learning_rate", &rl::tabular_learning_rate, py::arg("config"), py::arg("episodes"),
          "Step size after `episodes` finished episodes.");

    m.def(
        "tabular_collect",
        [](const rl::Env& env, Out<std::uint64_t> env_state, Out<float> observation, Out<std::int64_t> counters,
           Out<double> episode_return, Out<std::int64_t> next_action, Out<double> q, const TabularConfig& config,
           rl::index_t n_steps, Out<std::uint64_t> rng) {
            require(n_steps >= 0, "n_steps must be >= 0");
            require(static_cast<std::size_t>(env_state.size()) * 8 == env.state_bytes(),
                    "environment state record has the wrong size");
            require(env.n_states() > 0 && env.observation_size() == 1,
                    "tabular learning needs an environment with Discrete observations");
            require_shape(observation, "observation", {1});
            require_shape(counters, "counters", {1});
            require_shape(episode_return, "episode return", {1});
            require_shape(next_action, "next action", {1});
            require_shape(q, "Q-table", {env.n_states(), env.n_actions()});
            require_shape(rng, "rng state", {4});
            require_writable(env_state, "env_state");
            require_writable(observation, "observation");
            require_writable(counters, "counters");
            require_writable(episode_return, "episode_return");
            require_writable(next_action, "next_action");
            require_writable(q, "Q-table");
            require_writable(rng, "rng state");
            Out<double> returns({n_steps});
            Out<std::int64_t> lengths({n_steps});
            const rl::EpisodeCursor cursor{reinterpret_cast<std::byte*>(env_state.mutable_data()),
                                           observation.mutable_data(), counters.mutable_data(),
                                           episode_return.mutable_data()};
            std::int64_t* next = next_action.mutable_data();
            double* table = q.mutable_data();
            const rl::RngState words{rng.mutable_data()};
            double* ret = returns.mutable_data();
            std::int64_t* len = lengths.mutable_data();
            rl::index_t finished = 0;
            {
                py::gil_scoped_release release;
                finished = rl::tabular_collect(env, cursor, next, table, config, n_steps, words, ret, len);
            }
            returns.resize({finished});
            lengths.resize({finished});
            return py::make_tuple(returns, lengths);
        },
        py::arg("env"), py::arg("env_state").noconvert(), py::arg("observation").noconvert(),
        py::arg("counters").noconvert(), py::arg("episode_return").noconvert(), py::arg("next_action").noconvert(),
        py::arg("q").noconvert(), py::arg("config"), py::arg("n_steps"), py::arg("rng").noconvert(),
        "Tabular TD control on a native environment for n_steps, updating q in place; returns the finished "
        "episodes' (returns, lengths).");
}

}  // namespace zoo::bindings
