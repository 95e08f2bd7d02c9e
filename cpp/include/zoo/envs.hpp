// Native reinforcement-learning environments: the interface every kernel in
// cpp/src/rl/envs/ (declared in zoo/envs/) implements, and what the vector driver and the learners
// call. An Env object holds only fixed configuration (a map, a flag); the
// changing state of each copy is a plain record of state_bytes() bytes in a
// caller-owned NumPy array, beginning with the copy's NumpyRandomState, so
// environments pickle, save and vectorise like every other piece of zoo state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "zoo/numpy_random.hpp"

namespace zoo::rl {

using index_t = std::int64_t;

// What a step reports besides the observation. `probability` is the toy-text
// environments' info["prob"] (1 for deterministic moves).
struct Transition {
    double reward = 0.0;
    bool terminated = false;
    double probability = 1.0;
};

class Env {
public:
    virtual ~Env() = default;

    // Bytes of one copy's state record (a multiple of 8; starts with NumpyRandomState).
    virtual std::size_t state_bytes() const = 0;
    // Values written per observation: the Box's size, or 1 for a Discrete
    // observation (the state index, exact in a float up to 2^24).
    virtual int observation_size() const = 0;
    // Discrete(n_states) observation space when > 0; 0 for a Box.
    virtual std::int64_t n_states() const { return 0; }
    virtual int n_actions() const = 0;

    // gymnasium's writable physical attributes (gravity, tau, ...) that a
    // kernel reads from each copy's record, so that every copy can have its
    // own (domain randomisation): their names and defaults, stored as
    // float64 words from parameters_word() on. A new record must hold the
    // defaults there (zoo.envs.native.new_states writes them); reset leaves them.
    struct Parameter {
        const char* name;
        double default_value;
    };
    virtual std::vector<Parameter> parameters() const { return {}; }
    virtual std::size_t parameters_word() const { return state_bytes() / 8; }

    // gymnasium's reset() once the generator is seeded: draws the start state.
    virtual void reset(std::byte* state, float* observation) const = 0;
    // One step; `action` has been checked to lie in [0, n_actions()).
    virtual Transition step(std::byte* state, std::int64_t action, float* observation) const = 0;

    // reset(seed=...) = seed(...) then reset(): NumPy's SeedSequence(seed) -> PCG64.
    static void seed(std::byte* state, const std::vector<std::uint32_t>& entropy) {
        const NumpyRandomState seeded = NumpyRandom::seeded(entropy);
        std::memcpy(state, &seeded, sizeof seeded);
    }
};

// A kernel written as a plain struct: `State` (standard layout, first member
// `NumpyRandomState rng`), static `reset(const K&, State&, float*)` and
// `step(const K&, State&, std::int64_t, float*) -> Transition`, and the
// sizes. EnvKernel<K> adapts it to Env with one virtual call per step.
template <class K>
class EnvKernel : public Env {
public:
    std::size_t state_bytes() const override { return (sizeof(typename K::State) + 7) / 8 * 8; }
    void reset(std::byte* state, float* observation) const override {
        K::reset(self(), *reinterpret_cast<typename K::State*>(state), observation);
    }
    Transition step(std::byte* state, std::int64_t action, float* observation) const override {
        return K::step(self(), *reinterpret_cast<typename K::State*>(state), action, observation);
    }

private:
    const K& self() const { return static_cast<const K&>(*this); }
};

}  // namespace zoo::rl
