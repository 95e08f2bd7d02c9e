#include "zoo/envs/vector.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/envs/classic_control.hpp"
#include "zoo/parallel.hpp"

namespace zoo::rl {

namespace {

// A chunk of copies is tens of microseconds of CartPole steps: enough that
// waking a second thread pays off, small enough to balance the threads when
// episodes end (and resets cost more) unevenly.
constexpr index_t kChunk = 1024;

template <class Body>
void over_copies(index_t num_envs, int n_threads, Body&& body) {
    const index_t n_chunks = ceil_div(num_envs, kChunk);
    const int threads = static_cast<int>(std::min<index_t>(checked_threads(n_threads), std::max<index_t>(n_chunks, 1)));
    if (threads == 1) {
        body(0, num_envs);
        return;
    }
    parallel_chunks(n_chunks, threads, [&](std::int64_t chunk, int) {
        const index_t begin = chunk * kChunk;
        body(begin, std::min(begin + kChunk, num_envs));
    });
}

std::byte* record(const VectorState& v, index_t i) {
    return reinterpret_cast<std::byte*>(v.records + i * v.record_words);
}

void check_layout(const Env& env, const VectorState& v) {
    if (v.num_envs < 0) throw std::invalid_argument("num_envs must be >= 0");
    if (static_cast<std::size_t>(v.record_words) * 8 != env.state_bytes())
        throw std::invalid_argument("state records have " + std::to_string(v.record_words * 8) +
                                    " bytes, the environment needs " + std::to_string(env.state_bytes()));
}

}  // namespace

void vector_reset(const Env& env, const VectorState& v, const ResetRequest& request, float* observations,
                  int n_threads) {
    check_layout(env, v);
    const BoundedReset* bounded = nullptr;
    if (request.bounds != nullptr) {
        bounded = dynamic_cast<const BoundedReset*>(&env);
        if (bounded == nullptr) throw std::invalid_argument("this environment takes no reset bounds");
    }
    if (request.entropy != nullptr) {
        for (index_t i = 0; i < v.num_envs; ++i)
            if (request.n_words[i] < 0 || request.n_words[i] > request.max_words)
                throw std::invalid_argument("seed word count out of range for copy " + std::to_string(i));
    }
    const index_t obs_size = env.observation_size();
    over_copies(v.num_envs, n_threads, [&](index_t begin, index_t end) {
        std::vector<std::uint32_t> words;
        for (index_t i = begin; i < end; ++i) {
            if (request.mask != nullptr && request.mask[i] == 0) continue;
            std::byte* state = record(v, i);
            if (request.entropy != nullptr && request.n_words[i] > 0) {
                const std::uint32_t* row = request.entropy + i * request.max_words;
                words.assign(row, row + request.n_words[i]);
                Env::seed(state, words);
            }
            float* observation = observations + i * obs_size;
            if (bounded != nullptr)
                bounded->reset_within(state, request.bounds[0], request.bounds[1], observation);
            else
                env.reset(state, observation);
            v.elapsed_steps[i] = 0;
            v.needs_reset[i] = 0;
        }
    });
}

void vector_step(const Env& env, const VectorState& v, const std::int64_t* actions, std::int64_t max_episode_steps,
                 const StepOutputs& out, int n_threads) {
    check_layout(env, v);
    const std::int64_t n_actions = env.n_actions();
    for (index_t i = 0; i < v.num_envs; ++i)
        if (actions[i] < 0 || actions[i] >= n_actions)
            throw std::invalid_argument("actions[" + std::to_string(i) + "] = " + std::to_string(actions[i]) +
                                        " is not a valid action: expected an integer in [0, " +
                                        std::to_string(n_actions) + ")");
    const index_t obs_size = env.observation_size();
    over_copies(v.num_envs, n_threads, [&](index_t begin, index_t end) {
        for (index_t i = begin; i < end; ++i) {
            std::byte* state = record(v, i);
            float* observation = out.observations + i * obs_size;
            if (v.needs_reset[i]) {
                // The action is ignored, as SyncVectorEnv ignores it.
                env.reset(state, observation);
                v.elapsed_steps[i] = 0;
                v.needs_reset[i] = 0;
                out.rewards[i] = 0.0;
                out.terminated[i] = false;
                out.truncated[i] = false;
                if (out.probabilities != nullptr) out.probabilities[i] = 1.0;
                continue;
            }
            const Transition t = env.step(state, actions[i], observation);
            const std::int64_t elapsed = ++v.elapsed_steps[i];
            const bool truncated = max_episode_steps > 0 && elapsed >= max_episode_steps;
            out.rewards[i] = t.reward;
            out.terminated[i] = t.terminated;
            out.truncated[i] = truncated;
            if (out.probabilities != nullptr) out.probabilities[i] = t.probability;
            v.needs_reset[i] = t.terminated || truncated;
        }
    });
}

}  // namespace zoo::rl
