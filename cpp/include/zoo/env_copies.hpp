// The environments a learner's collect loop steps: copies of one
// environment, each with its running episode. Every RL learner has one
// loop (cpp/src/rl/), and it sees only this class, whatever runs the
// copies: NativeCopies below keeps the state records of a native Env
// (zoo/envs.hpp) in a caller-owned array; the bindings' PythonEnvCopies calls
// Python gymnasium environments. The running episodes themselves -- each
// copy's current observation, elapsed steps and return -- are caller-owned
// arrays for both kinds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "zoo/envs.hpp"

namespace zoo::rl {

// What a step tells the loop besides the next observation: gymnasium's
// reward, terminated and truncated.
struct Step {
    double reward = 0.0;
    bool terminated = false;  // the MDP ended: s' is worth nothing
    bool truncated = false;   // a time limit ended the episode: s' still has a value
    bool done() const { return terminated || truncated; }
};

// Where a loop reports finished episodes (room for every one a call can finish).
struct FinishedEpisodes {
    double* returns = nullptr;
    std::int64_t* lengths = nullptr;
    index_t count = 0;
};

// Each copy's running episode.
struct EpisodeCursors {
    float* observations = nullptr;    // n x observation_size: each copy's current observation
    std::int64_t* elapsed = nullptr;  // n: steps of each running episode
    double* returns = nullptr;        // n: running returns
    index_t n = 0;
};

// The spaces a loop checks its policy against.
struct CopySpaces {
    int observation_size = 0;
    std::int64_t n_states = 0;  // Discrete(n_states) observations (the state index) when > 0
    int n_actions = 0;          // Discrete(n_actions) actions when > 0 ...
    int action_size = 0;        // ... else a Box of action_size values
};

class EnvCopies {
public:
    EnvCopies(EpisodeCursors cursors, CopySpaces spaces) : cursors_(cursors), spaces_(spaces) {
        if (cursors.n < 1) throw std::invalid_argument("a loop needs at least one copy of the environment");
    }
    virtual ~EnvCopies() = default;
    EnvCopies(const EnvCopies&) = delete;
    EnvCopies& operator=(const EnvCopies&) = delete;

    index_t size() const { return cursors_.n; }
    const CopySpaces& spaces() const { return spaces_; }
    int observation_size() const { return spaces_.observation_size; }
    float* observations() { return cursors_.observations; }
    float* observation(index_t copy) { return cursors_.observations + copy * spaces_.observation_size; }

    // One step of copy `copy` from its current observation with a Discrete
    // action (or a Box action of action_size values): s' goes to
    // `next_observation`, and the step counts into the running episode.
    Step step(index_t copy, std::int64_t action, float* next_observation) {
        return counted(copy, step_discrete(copy, action, next_observation));
    }
    Step step(index_t copy, const float* action, float* next_observation) {
        return counted(copy, step_continuous(copy, action, next_observation));
    }

    // Moves copy `copy` past `step`: an episode that ended is reported and
    // the copy reset (its generator carries on), else s' becomes the
    // current observation.
    void advance(index_t copy, const Step& step, const float* next_observation, FinishedEpisodes& finished) {
        if (!step.done()) {
            std::copy_n(next_observation, spaces_.observation_size, observation(copy));
            return;
        }
        finished.returns[finished.count] = cursors_.returns[copy];
        finished.lengths[finished.count] = cursors_.elapsed[copy];
        ++finished.count;
        cursors_.returns[copy] = 0.0;
        cursors_.elapsed[copy] = 0;
        reset(copy, observation(copy));
    }

protected:
    // The environment's own step; truncated only where it applies its own time limit.
    virtual Step step_discrete(index_t copy, std::int64_t action, float* next_observation) = 0;
    virtual Step step_continuous(index_t, const float*, float*) {
        throw std::invalid_argument("this environment takes Discrete actions");
    }
    // gymnasium's reset() without a seed: the copy's generator carries on.
    virtual void reset(index_t copy, float* observation) = 0;

    std::int64_t elapsed(index_t copy) const { return cursors_.elapsed[copy]; }

private:
    Step counted(index_t copy, const Step& step) {
        ++cursors_.elapsed[copy];
        cursors_.returns[copy] += step.reward;
        return step;
    }

    EpisodeCursors cursors_;
    CopySpaces spaces_;
};

// Copies of a native Env: one state record each, laid end to end in
// `states`, and the registered time limit applied here, as gymnasium's
// TimeLimit wrapper does (max_episode_steps 0: none).
class NativeCopies : public EnvCopies {
public:
    NativeCopies(const Env& env, std::byte* states, EpisodeCursors cursors, std::int64_t max_episode_steps)
        : EnvCopies(cursors, {env.observation_size(), env.n_states(), env.n_actions(), 0}), env_(env),
          states_(states), max_episode_steps_(max_episode_steps) {}

protected:
    Step step_discrete(index_t copy, std::int64_t action, float* next_observation) override {
        const Transition t = env_.step(record(copy), action, next_observation);
        const bool time_up = max_episode_steps_ > 0 && elapsed(copy) + 1 >= max_episode_steps_;
        return {t.reward, t.terminated, time_up};
    }
    void reset(index_t copy, float* observation) override { env_.reset(record(copy), observation); }

private:
    std::byte* record(index_t copy) const { return states_ + static_cast<std::size_t>(copy) * env_.state_bytes(); }

    const Env& env_;
    std::byte* states_;
    std::int64_t max_episode_steps_;
};

}  // namespace zoo::rl
