// pybind11 glue for the native environments: the Env base class every kernel
// is exposed through, the classic-control kernels, one-record seed/reset/step
// (gymnasium's single environments) and the vector driver (make_vec).
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zoo/envs/acrobot.hpp"
#include "zoo/envs/cartpole.hpp"
#include "zoo/envs/mountain_car.hpp"
#include "zoo/envs/vector.hpp"
#include "bindings.hpp"
#include "zoo/numpy_random.hpp"

namespace zoo::bindings {

namespace {

using rl::Env;

constexpr py::ssize_t kRngWords = sizeof(NumpyRandomState) / 8;

// A copy's record: a writable uint64 vector of exactly state_bytes / 8 words.
std::byte* record_of(const Env& env, Out<std::uint64_t>& state) {
    require_shape(state, "state", {static_cast<py::ssize_t>(env.state_bytes() / 8)});
    require_writable(state, "state");
    return reinterpret_cast<std::byte*>(state.mutable_data());
}

float* observation_of(const Env& env, Out<float>& observation) {
    require_shape(observation, "observation", {env.observation_size()});
    require_writable(observation, "observation");
    return observation.mutable_data();
}

void check_action(const Env& env, std::int64_t action) {
    require(action >= 0 && action < env.n_actions(), "action must be an integer in [0, " +
                                                         std::to_string(env.n_actions()) + "), got " +
                                                         std::to_string(action));
}

const rl::BoundedReset* bounded_of(const Env& env, const std::optional<double>& low,
                                   const std::optional<double>& high) {
    require(low.has_value() == high.has_value(), "low and high must be given together");
    if (!low) return nullptr;
    const auto* bounded = dynamic_cast<const rl::BoundedReset*>(&env);
    require(bounded != nullptr, "this environment takes no reset bounds (options 'low'/'high')");
    require(*low <= *high, "low must be <= high");
    return bounded;
}

// The arrays make_vec holds, checked against each other and the environment.
rl::VectorState vector_state_of(const Env& env, Out<std::uint64_t>& states, Out<std::int64_t>& elapsed,
                                Out<std::uint8_t>& needs_reset) {
    require(states.ndim() == 2, "states must be a 2-D array (num_envs, state_bytes / 8)");
    require_shape(states, "states", {-1, static_cast<py::ssize_t>(env.state_bytes() / 8)});
    require_shape(elapsed, "elapsed_steps", {states.shape(0)});
    require_shape(needs_reset, "needs_reset", {states.shape(0)});
    require_writable(states, "states");
    require_writable(elapsed, "elapsed_steps");
    require_writable(needs_reset, "needs_reset");
    rl::VectorState v;
    v.num_envs = states.shape(0);
    v.records = states.mutable_data();
    v.record_words = states.shape(1);
    v.elapsed_steps = elapsed.mutable_data();
    v.needs_reset = needs_reset.mutable_data();
    return v;
}

void bind_classic_control(py::module_& m) {
    py::class_<rl::CartPole, Env, std::shared_ptr<rl::CartPole>>(m, "CartPole", "gymnasium's CartPole-v1.")
        .def(py::init<bool>(), py::arg("sutton_barto_reward") = false)
        .def_property_readonly("sutton_barto_reward", [](const rl::CartPole& e) { return e.sutton_barto_reward; });
    py::class_<rl::MountainCar, Env, std::shared_ptr<rl::MountainCar>>(m, "MountainCar",
                                                                        "gymnasium's MountainCar-v0.")
        .def(py::init<double>(), py::arg("goal_velocity") = 0.0)
        .def_property_readonly("goal_velocity", [](const rl::MountainCar& e) { return e.goal_velocity; },
                               "The constructor's goal_velocity: a new copy's (each record holds its own).");
    py::class_<rl::Acrobot, Env, std::shared_ptr<rl::Acrobot>>(m, "Acrobot", "gymnasium's Acrobot-v1.")
        .def(py::init<>());
}

void bind_single(py::module_& m) {
    m.def(
        "env_seed",
        [](Out<std::uint64_t> state, const std::vector<std::uint32_t>& entropy) {
            require(state.ndim() == 1 && state.shape(0) >= kRngWords, "state must be an environment state record");
            require_writable(state, "state");
            require(!entropy.empty(), "entropy must hold at least one 32-bit word");
            Env::seed(reinterpret_cast<std::byte*>(state.mutable_data()), entropy);
        },
        py::arg("state").noconvert(), py::arg("entropy"),
        "Seeds a record's generator as np.random.default_rng(SeedSequence(entropy)) would be seeded; "
        "`entropy` is the seed's little-endian 32-bit words.");
    m.def(
        "env_reset",
        [](const Env& env, Out<std::uint64_t> state, Out<float> observation, std::optional<double> low,
           std::optional<double> high) {
            std::byte* record = record_of(env, state);
            float* obs = observation_of(env, observation);
            if (const rl::BoundedReset* bounded = bounded_of(env, low, high))
                bounded->reset_within(record, *low, *high, obs);
            else
                env.reset(record, obs);
        },
        py::arg("env"), py::arg("state").noconvert(), py::arg("observation").noconvert(), py::arg("low") = py::none(),
        py::arg("high") = py::none(),
        "gymnasium's reset() on a seeded record: draws the start state, writes the observation in place.");
    m.def(
        "env_step",
        [](const Env& env, Out<std::uint64_t> state, std::int64_t action, Out<float> observation) {
            std::byte* record = record_of(env, state);
            float* obs = observation_of(env, observation);
            check_action(env, action);
            const rl::Transition t = env.step(record, action, obs);
            return py::make_tuple(t.reward, t.terminated, t.probability);
        },
        py::arg("env"), py::arg("state").noconvert(), py::arg("action"), py::arg("observation").noconvert(),
        "One step of one record; writes the observation in place, returns (reward, terminated, probability).");
}

void bind_vector(py::module_& m) {
    m.def(
        "vector_reset",
        [](const Env& env, Out<std::uint64_t> states, Out<std::int64_t> elapsed, Out<std::uint8_t> needs_reset,
           Out<float> observations, std::optional<In<std::uint32_t>> entropy, std::optional<In<std::int64_t>> n_words,
           std::optional<In<std::uint8_t>> mask, std::optional<double> low, std::optional<double> high,
           int n_threads) {
            const rl::VectorState v = vector_state_of(env, states, elapsed, needs_reset);
            require_shape(observations, "observations", {v.num_envs, env.observation_size()});
            require_writable(observations, "observations");
            rl::ResetRequest request;
            require(entropy.has_value() == n_words.has_value(), "entropy and n_words must be given together");
            if (entropy) {
                require(entropy->ndim() == 2, "entropy must be a 2-D array (num_envs, max_words)");
                require_shape(*entropy, "entropy", {v.num_envs, -1});
                require_shape(*n_words, "n_words", {v.num_envs});
                request.entropy = entropy->data();
                request.n_words = n_words->data();
                request.max_words = entropy->shape(1);
            }
            if (mask) {
                require_shape(*mask, "reset_mask", {v.num_envs});
                request.mask = mask->data();
            }
            double bounds[2] = {0.0, 0.0};
            if (bounded_of(env, low, high) != nullptr) {
                bounds[0] = *low;
                bounds[1] = *high;
                request.bounds = bounds;
            }
            float* obs = observations.mutable_data();
            py::gil_scoped_release release;
            rl::vector_reset(env, v, request, obs, n_threads);
        },
        py::arg("env"), py::arg("states").noconvert(), py::arg("elapsed_steps").noconvert(),
        py::arg("needs_reset").noconvert(), py::arg("observations").noconvert(), py::arg("entropy") = py::none(),
        py::arg("n_words") = py::none(), py::arg("mask") = py::none(), py::arg("low") = py::none(),
        py::arg("high") = py::none(), py::arg("n_threads") = 1,
        "Resets (and optionally seeds) the copies selected by `mask`, writing their rows of `observations`.");
    m.def(
        "vector_step",
        [](const Env& env, Out<std::uint64_t> states, Out<std::int64_t> elapsed, Out<std::uint8_t> needs_reset,
           In<std::int64_t> actions, std::int64_t max_episode_steps, int n_threads,
           std::optional<Out<double>> probabilities) {
            const rl::VectorState v = vector_state_of(env, states, elapsed, needs_reset);
            require_shape(actions, "actions", {v.num_envs});
            py::array_t<float> observations({v.num_envs, static_cast<py::ssize_t>(env.observation_size())});
            py::array_t<double> rewards(v.num_envs);
            py::array_t<bool> terminated(v.num_envs), truncated(v.num_envs);
            rl::StepOutputs out;
            out.observations = observations.mutable_data();
            out.rewards = rewards.mutable_data();
            out.terminated = terminated.mutable_data();
            out.truncated = truncated.mutable_data();
            if (probabilities) {
                require_shape(*probabilities, "probabilities", {v.num_envs});
                require_writable(*probabilities, "probabilities");
                out.probabilities = probabilities->mutable_data();
            }
            const std::int64_t* action_data = actions.data();
            {
                py::gil_scoped_release release;
                rl::vector_step(env, v, action_data, max_episode_steps, out, n_threads);
            }
            return py::make_tuple(observations, rewards, terminated, truncated);
        },
        py::arg("env"), py::arg("states").noconvert(), py::arg("elapsed_steps").noconvert(),
        py::arg("needs_reset").noconvert(), py::arg("actions"), py::arg("max_episode_steps"), py::arg("n_threads"),
        py::arg("probabilities").noconvert() = py::none(),
        "One step of every copy with next-step autoreset and the time limit (<= 0: none); returns "
        "(observations, rewards, terminated, truncated).");
}

// Test hook: the C++ generator's draws, to compare with NumPy's.
void bind_numpy_random(py::module_& m) {
    m.def(
        "_numpy_random_draws",
        [](const std::vector<std::uint32_t>& entropy, const std::string& method, py::ssize_t size, double low,
           double high) -> py::array {
            require(!entropy.empty(), "entropy must hold at least one 32-bit word");
            require(size >= 0, "size must be >= 0");
            NumpyRandomState state = NumpyRandom::seeded(entropy);
            NumpyRandom rng(state);
            if (method == "integers") {
                require(low < high && high - low - 1 <= 4294967295.0, "integers needs low < high, range < 2^32");
                py::array_t<std::int64_t> out(size);
                for (py::ssize_t i = 0; i < size; ++i)
                    out.mutable_data()[i] =
                        rng.integers(static_cast<std::int64_t>(low), static_cast<std::int64_t>(high));
                return out;
            }
            require(method == "random" || method == "uniform",
                    "method must be 'random', 'uniform' or 'integers', got '" + method + "'");
            py::array_t<double> out(size);
            for (py::ssize_t i = 0; i < size; ++i)
                out.mutable_data()[i] = method == "random" ? rng.random() : rng.uniform(low, high);
            return out;
        },
        py::arg("entropy"), py::arg("method"), py::arg("size"), py::arg("low") = 0.0, py::arg("high") = 1.0,
        "Test hook: `size` draws of Generator(PCG64(SeedSequence(entropy))).random(), .uniform(low, high) "
        "or .integers(low, high), computed by zoo's C++ generator.");
}

}  // namespace

void bind_envs(py::module_& m) {
    py::class_<Env, std::shared_ptr<Env>>(m, "Env",
                                          "A native environment's fixed configuration; each copy's changing state "
                                          "is a uint64 record owned by Python.")
        .def_property_readonly("state_bytes", &Env::state_bytes)
        .def_property_readonly("observation_size", &Env::observation_size)
        .def_property_readonly("n_states", &Env::n_states)
        .def_property_readonly("n_actions", &Env::n_actions)
        .def_property_readonly(
            "parameters",
            [](const Env& env) {
                py::list out;
                for (const Env::Parameter& p : env.parameters()) out.append(py::make_tuple(p.name, p.default_value));
                return out;
            },
            "[(name, default)] of the float64 physical parameters each record holds from parameters_word on.")
        .def_property_readonly("parameters_word", &Env::parameters_word);
    bind_classic_control(m);
    bind_single(m);
    bind_vector(m);
    bind_numpy_random(m);
}

}  // namespace zoo::bindings
