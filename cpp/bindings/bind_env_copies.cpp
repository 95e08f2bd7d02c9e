// pybind11 glue for the environment copies a learner's loop steps
// (zoo/env_copies.hpp): NativeEnvCopies over the state records of a native
// Env, and PythonEnvCopies, the adapter through which the same C++ loops step
// Python gymnasium environments. Both hold their arrays zero-copy, checked
// once when Python builds them.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "zoo/denormals.hpp"
#include "zoo/env_copies.hpp"

namespace zoo::bindings {

namespace {

using rl::index_t;

rl::EpisodeCursors checked_cursors(Out<float>& observations, Out<std::int64_t>& elapsed, Out<double>& returns,
                                   py::ssize_t n, py::ssize_t observation_size) {
    require_shape(observations, "observations of the copies", {n, observation_size});
    require_shape(elapsed, "elapsed steps", {n});
    require_shape(returns, "episode returns", {n});
    require_writable(observations, "observations of the copies");
    require_writable(elapsed, "elapsed steps");
    require_writable(returns, "episode returns");
    return {observations.mutable_data(), elapsed.mutable_data(), returns.mutable_data(), static_cast<index_t>(n)};
}

std::byte* checked_records(const rl::Env& env, Out<std::uint64_t>& states) {
    const auto words = static_cast<py::ssize_t>(env.state_bytes() / 8);
    require(states.ndim() == 2 && states.shape(0) >= 1 && states.shape(1) == words,
            "environment states must have shape (n_copies, " + std::to_string(words) + ")");
    require_writable(states, "environment states");
    return reinterpret_cast<std::byte*>(states.mutable_data());
}

// Copies of a native Env over caller-owned records and running episodes.
class NativeEnvCopies final : public rl::NativeCopies {
public:
    NativeEnvCopies(std::shared_ptr<rl::Env> env, Out<std::uint64_t> states, Out<float> observations,
                    Out<std::int64_t> elapsed, Out<double> episode_returns, std::int64_t max_episode_steps)
        : rl::NativeCopies(*env, checked_records(*env, states),
                           checked_cursors(observations, elapsed, episode_returns, states.shape(0),
                                           env->observation_size()),
                           max_episode_steps),
          env_(std::move(env)), arrays_{states, observations, elapsed, episode_returns} {
        require(max_episode_steps >= 0, "max_episode_steps must be >= 0 (0: no time limit)");
    }

private:
    std::shared_ptr<rl::Env> env_;
    py::object arrays_[4];  // kept alive for the pointers above
};

// The running episodes of Python copies, owned by the adapter.
struct OwnedCursors {
    OwnedCursors(py::ssize_t n, py::ssize_t observation_size)
        : observations({n, observation_size}), elapsed({n}), returns({n}) {
        std::fill_n(elapsed.mutable_data(), n, 0);
        std::fill_n(returns.mutable_data(), n, 0.0);
    }
    rl::EpisodeCursors cursors() {
        return {observations.mutable_data(), elapsed.mutable_data(), returns.mutable_data(),
                static_cast<index_t>(elapsed.shape(0))};
    }

    Out<float> observations;
    Out<std::int64_t> elapsed;
    Out<double> returns;
};

// What the loop's thread needs while it runs Python: the GIL, and IEEE
// arithmetic (the loops flush denormals; Python code expects them).
struct InPython {
    py::gil_scoped_acquire gil;
    GradualUnderflowScope ieee;
};

// Python gymnasium environments stepped from the C++ loops. Each call
// into Python holds the GIL only for the call; an exception it raises (and
// Ctrl-C, by Python's signal handlers) propagates out of the loop as
// itself. Time limits are the environments' own (gymnasium's TimeLimit
// sets truncated).
class PythonEnvCopies final : public rl::EnvCopies {
public:
    PythonEnvCopies(const py::list& envs, const py::list& seeds, const rl::CopySpaces& spaces,
                    const std::vector<float>& action_low, const std::vector<float>& action_high)
        : PythonEnvCopies(OwnedCursors(static_cast<py::ssize_t>(envs.size()), spaces.observation_size), envs, seeds,
                          spaces, action_low, action_high) {}

    py::array observations_array() const { return owned_.observations; }
    py::array elapsed_array() const { return owned_.elapsed; }
    py::array returns_array() const { return owned_.returns; }

protected:
    rl::Step step_discrete(index_t copy, std::int64_t action, float* next_observation) override {
        const InPython python;
        return read_step(steps_[static_cast<std::size_t>(copy)](action), next_observation);
    }

    rl::Step step_continuous(index_t copy, const float* action, float* next_observation) override {
        const InPython python;
        // Clipped into the Box, as the environment takes them (the policy learns from the unclipped sample).
        const auto size = static_cast<py::ssize_t>(low_.size());
        Out<float> clipped({size});
        float* a = clipped.mutable_data();
        for (py::ssize_t i = 0; i < size; ++i) a[i] = std::min(std::max(action[i], low_[i]), high_[i]);
        return read_step(steps_[static_cast<std::size_t>(copy)](clipped), next_observation);
    }

    void reset(index_t copy, float* observation) override {
        const InPython python;
        read_reset(resets_[static_cast<std::size_t>(copy)](), observation);
    }

private:
    // The base points into `owned`'s arrays, which the member then keeps (a move keeps the buffers).
    PythonEnvCopies(OwnedCursors owned, const py::list& envs, const py::list& seeds, const rl::CopySpaces& spaces,
                    const std::vector<float>& action_low, const std::vector<float>& action_high)
        : rl::EnvCopies(owned.cursors(), spaces), owned_(std::move(owned)), low_(action_low), high_(action_high) {
        require(spaces.observation_size >= 1, "observation_size must be >= 1");
        require((spaces.n_actions > 0) != (spaces.action_size > 0),
                "the copies take either Discrete(n_actions) or Box actions of action_size values");
        require(static_cast<int>(low_.size()) == spaces.action_size && low_.size() == high_.size(),
                "action_low and action_high must have action_size values (Box actions only)");
        require(seeds.size() == envs.size(), "one seed (or None) per copy");
        for (const py::handle env : envs) {
            steps_.push_back(env.attr("step"));
            resets_.push_back(env.attr("reset"));
        }
        // The first reset of each copy, with its seed (None: the copy's generator carries on).
        for (std::size_t i = 0; i < envs.size(); ++i)
            read_reset(resets_[i](py::arg("seed") = seeds[i]), observation(static_cast<index_t>(i)));
    }

    static void check_signals() {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }

    void read_observation(const py::handle value, float* out, const char* call) const {
        if (spaces().n_states > 0) {
            out[0] = static_cast<float>(discrete_state(value, call));
            return;
        }
        const auto array = In<float>::ensure(value);
        if (!array)
            throw py::type_error(std::string(call) + " returned an observation that is not an array of numbers");
        require(array.size() == observation_size(),
                std::string(call) + " returned an observation of " + std::to_string(array.size()) +
                    " values; the observation space has " + std::to_string(observation_size()));
        std::memcpy(out, array.data(), static_cast<std::size_t>(observation_size()) * sizeof(float));
    }

    // A Discrete(n) observation is an int in [0, n): converted to float, a
    // bool, a float or -1 would pass for a state and update the wrong row
    // (-1 the last one, through Python's negative indexing).
    std::int64_t discrete_state(const py::handle value, const char* call) const {
        const std::int64_t n = spaces().n_states;
        PyObject* index = PyBool_Check(value.ptr()) ? nullptr : PyNumber_Index(value.ptr());
        if (index == nullptr) PyErr_Clear();
        const auto number = py::reinterpret_steal<py::object>(index);
        int overflow = 0;
        const long long state = index == nullptr ? -1 : PyLong_AsLongLongAndOverflow(index, &overflow);
        if (index == nullptr || overflow != 0 || state < 0 || state >= n)
            throw py::value_error(std::string(call) + " returned the observation " + std::string(py::repr(value)) +
                                  ", which is not in the environment's observation space Discrete(" +
                                  std::to_string(n) + "): a state is an int in [0, " + std::to_string(n) + ")");
        return static_cast<std::int64_t>(state);
    }

    static bool truthy(const py::handle value) {
        const int flag = PyObject_IsTrue(value.ptr());
        if (flag < 0) throw py::error_already_set();
        return flag != 0;
    }

    rl::Step read_step(const py::object& result, float* next_observation) const {
        check_signals();
        if (!py::isinstance<py::tuple>(result) || py::len(result) != 5)
            throw py::type_error("env.step() must return gymnasium's (observation, reward, terminated, truncated, "
                                 "info), got " + std::string(py::repr(result)));
        const auto t = py::reinterpret_borrow<py::tuple>(result);
        read_observation(t[0], next_observation, "env.step()");
        const double reward = PyFloat_AsDouble(t[1].ptr());
        if (reward == -1.0 && PyErr_Occurred()) throw py::error_already_set();
        return {reward, truthy(t[2]), truthy(t[3])};
    }

    void read_reset(const py::object& result, float* observation) const {
        check_signals();
        if (!py::isinstance<py::tuple>(result) || py::len(result) != 2)
            throw py::type_error("env.reset() must return gymnasium's (observation, info), got " +
                                 std::string(py::repr(result)));
        read_observation(py::reinterpret_borrow<py::tuple>(result)[0], observation, "env.reset()");
    }

    OwnedCursors owned_;
    std::vector<py::object> steps_, resets_;  // each copy's bound step and reset
    std::vector<float> low_, high_;           // Box actions: the bounds actions are clipped to
};

}  // namespace

void bind_env_copies(py::module_& m) {
    py::class_<rl::EnvCopies>(m, "EnvCopies",
                              "Copies of an environment with their running episodes, as a learner's C++ loop "
                              "steps them (NativeEnvCopies or PythonEnvCopies).")
        .def_property_readonly("n_copies", &rl::EnvCopies::size);
    py::class_<NativeEnvCopies, rl::EnvCopies>(m, "NativeEnvCopies",
                                                "Copies of a native environment: one state record per copy, and "
                                                "the time limit applied as gymnasium's TimeLimit does.")
        .def(py::init<std::shared_ptr<rl::Env>, Out<std::uint64_t>, Out<float>, Out<std::int64_t>, Out<double>,
                      std::int64_t>(),
             py::arg("env"), py::arg("states").noconvert(), py::arg("observations").noconvert(),
             py::arg("elapsed").noconvert(), py::arg("episode_returns").noconvert(), py::arg("max_episode_steps"));
    py::class_<PythonEnvCopies, rl::EnvCopies>(
        m, "PythonEnvCopies",
        "Python gymnasium environments stepped from the C++ loops (the GIL is taken only around each call into "
        "Python). Each copy is reset once here, with its seed (None: its generator carries on); the running "
        "episodes are arrays the object owns.")
        .def(py::init([](const py::list& envs, const py::list& seeds, int observation_size, std::int64_t n_states,
                         int n_actions, const std::vector<float>& action_low, const std::vector<float>& action_high) {
                 return std::make_unique<PythonEnvCopies>(
                     envs, seeds,
                     rl::CopySpaces{observation_size, n_states, n_actions, static_cast<int>(action_low.size())},
                     action_low, action_high);
             }),
             py::arg("envs"), py::arg("seeds"), py::arg("observation_size"), py::arg("n_states") = 0,
             py::arg("n_actions") = 0, py::arg("action_low") = std::vector<float>{},
             py::arg("action_high") = std::vector<float>{})
        .def_property_readonly("observations", &PythonEnvCopies::observations_array)
        .def_property_readonly("elapsed", &PythonEnvCopies::elapsed_array)
        .def_property_readonly("episode_returns", &PythonEnvCopies::returns_array);
}

}  // namespace zoo::bindings
