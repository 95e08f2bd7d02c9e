// pybind11 glue for the toy-text environments: constructors over their
// options and read-only views of that configuration. Seeding, reset and step
// go through the generic functions over zoo::rl::Env (bind_envs.cpp).
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zoo/envs/cliff_walking.hpp"
#include "zoo/envs/frozen_lake.hpp"
#include "zoo/envs/taxi.hpp"
#include "bindings.hpp"

namespace zoo::bindings {

namespace {

// gymnasium's P[state][action] as a list of (probability, next state, reward, terminated).
template <class K, class Class>
void def_transitions(Class& cls) {
    cls.def(
        "transitions",
        [](const K& env, std::int64_t state, std::int64_t action) {
            if (state < 0 || state >= env.n_states())
                throw std::out_of_range("state must lie in [0, " + std::to_string(env.n_states()) + "), got " +
                                        std::to_string(state));
            if (action < 0 || action >= env.n_actions())
                throw std::out_of_range("action must lie in [0, " + std::to_string(env.n_actions()) + "), got " +
                                        std::to_string(action));
            py::list outcomes;
            for (const rl::toy_text::Outcome& o : env.transitions().outcomes(state, static_cast<int>(action)))
                outcomes.append(py::make_tuple(o.probability, o.next_state, o.reward, o.terminated));
            return outcomes;
        },
        py::arg("state"), py::arg("action"),
        "gymnasium's P[state][action]: [(probability, next state, reward, terminated), ...].");
}

}  // namespace

void bind_toy_text(py::module_& m) {
    using rl::CliffWalking;
    using rl::Env;
    using rl::FrozenLake;
    using rl::Taxi;

    py::class_<FrozenLake, Env, std::shared_ptr<FrozenLake>> frozen_lake(
        m, "FrozenLake", "gymnasium's FrozenLake-v1 on a given map (rows of S, F, H, G).");
    frozen_lake
        .def(py::init<std::vector<std::string>, bool, double, std::array<double, 3>>(), py::arg("desc"),
             py::arg("is_slippery"), py::arg("success_rate"), py::arg("reward_schedule"))
        .def_property_readonly("desc", &FrozenLake::desc)
        .def_property_readonly("is_slippery", &FrozenLake::is_slippery)
        .def_property_readonly("success_rate", &FrozenLake::success_rate)
        .def_property_readonly("reward_schedule", &FrozenLake::reward_schedule);
    def_transitions<FrozenLake>(frozen_lake);

    py::class_<Taxi, Env, std::shared_ptr<Taxi>> taxi(m, "Taxi", "gymnasium's Taxi-v4.");
    taxi
        .def(py::init<bool, bool, double, double>(), py::arg("is_rainy"), py::arg("fickle_passenger"),
             py::arg("rainy_probability"), py::arg("fickle_probability"))
        .def_property_readonly(
            "action_masks",
            [](const Taxi& env) {
                py::array_t<std::int8_t> masks({Taxi::kStates, Taxi::kActions});
                std::copy(env.action_masks().begin(), env.action_masks().end(), masks.mutable_data());
                return masks;
            },
            "gymnasium's info['action_mask'] of every state: (500, 6) int8, a fresh copy.")
        .def_property_readonly("is_rainy", &Taxi::is_rainy)
        .def_property_readonly("fickle_passenger", &Taxi::fickle_passenger)
        .def_property_readonly("rainy_probability", &Taxi::rainy_probability)
        .def_property_readonly("fickle_probability", &Taxi::fickle_probability);
    def_transitions<Taxi>(taxi);

    py::class_<CliffWalking, Env, std::shared_ptr<CliffWalking>> cliff_walking(m, "CliffWalking",
                                                                                "gymnasium's CliffWalking-v1.");
    cliff_walking.def(py::init<bool>(), py::arg("is_slippery"))
        .def_property_readonly("is_slippery", &CliffWalking::is_slippery);
    def_transitions<CliffWalking>(cliff_walking);
}

}  // namespace zoo::bindings
