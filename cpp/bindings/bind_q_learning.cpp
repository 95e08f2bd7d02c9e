// pybind11 glue for tabular TD control (zoo.rl.QLearning): the configuration,
// its schedules (for the learner's logs), and the loop over one copy of an
// environment (EnvCopies, bind_env_copies.cpp).
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
        .def_readwrite("num_episodes", &TabularConfig::num_episodes);

    m.def("tabular_epsilon", &rl::tabular_epsilon, py::arg("config"), py::arg("t"), py::arg("episodes"),
          "Exploration rate of the action taken at step t after `episodes` finished episodes.");
    m.def("tabular_learning_rate", &rl::tabular_learning_rate, py::arg("config"), py::arg("episodes"),
          "Step size after `episodes` finished episodes.");

    m.def(
        "tabular_collect",
        [](rl::EnvCopies& copies, Out<std::int64_t> next_action, Out<double> q, const TabularConfig& config,
           rl::index_t n_steps, Out<std::uint64_t> rng_state) {
            require(n_steps >= 0, "n_steps must be >= 0");
            const rl::CopySpaces& spaces = copies.spaces();
            require(spaces.n_states > 0 && spaces.observation_size == 1,
                    "tabular learning needs an environment with Discrete observations");
            require_shape(next_action, "next action", {1});
            require_shape(q, "Q-table", {spaces.n_states, spaces.n_actions});
            require_writable(next_action, "next_action");
            require_writable(q, "Q-table");
            LearnerRng rng(rng_state);
            Out<double> returns({n_steps});
            Out<std::int64_t> lengths({n_steps});
            rl::FinishedEpisodes finished{returns.mutable_data(), lengths.mutable_data(), 0};
            std::int64_t* next = next_action.mutable_data();
            double* table = q.mutable_data();
            {
                py::gil_scoped_release release;
                rl::tabular_collect(copies, next, table, config, n_steps, rng.rng, finished);
            }
            returns.resize({finished.count});
            lengths.resize({finished.count});
            return py::make_tuple(returns, lengths);
        },
        py::arg("copies"), py::arg("next_action").noconvert(), py::arg("q").noconvert(), py::arg("config"),
        py::arg("n_steps"), py::arg("rng").noconvert(),
        "Tabular TD control on one copy of an environment for n_steps, updating q in place; returns the finished "
        "episodes' (returns, lengths).");
}

}  // namespace zoo::bindings
