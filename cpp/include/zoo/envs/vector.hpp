// Many copies of one environment reset and stepped in one call, with
// gymnasium 1.x's vector semantics: SyncVectorEnv's next-step autoreset (a
// copy that ended on the previous step is reset by this one, which reports
// its reset observation, reward 0 and neither terminated nor truncated) and
// TimeLimit's truncation. Every array belongs to the caller (Python); copies
// are independent, so they run in parallel chunks.
#pragma once

#include <cstdint>

#include "zoo/envs.hpp"

namespace zoo::rl {

struct VectorState {
    index_t num_envs = 0;
    // (num_envs, record_words): each copy's Env state record, 8-byte aligned.
    std::uint64_t* records = nullptr;
    index_t record_words = 0;
    // Steps since each copy's last reset: TimeLimit's counter.
    std::int64_t* elapsed_steps = nullptr;
    // 1 where the copy ended on the previous step, so the next step resets it.
    std::uint8_t* needs_reset = nullptr;
};

struct ResetRequest {
    // Seeds as NumPy's SeedSequence takes them: copy i uses the first
    // n_words[i] words of row i of the (num_envs, max_words) `entropy`;
    // n_words[i] == 0 keeps the copy's generator running (reset(seed=None)).
    // A null `entropy` seeds nothing.
    const std::uint32_t* entropy = nullptr;
    const std::int64_t* n_words = nullptr;
    index_t max_words = 0;
    // Copies to reset (gymnasium's options["reset_mask"]); null: all.
    const std::uint8_t* mask = nullptr;
    // [low, high] of the start-state draw (options["low"/"high"] of the
    // classic-control environments); null: the environment's default.
    const double* bounds = nullptr;
};

struct StepOutputs {
    float* observations = nullptr;  // (num_envs, observation_size)
    double* rewards = nullptr;
    bool* terminated = nullptr;
    bool* truncated = nullptr;
    double* probabilities = nullptr;  // the toy-text info["prob"]; null: not wanted
};

// Resets the requested copies, writing their rows of `observations`.
void vector_reset(const Env& env, const VectorState& v, const ResetRequest& request, float* observations,
                  int n_threads);

// One step of every copy; `max_episode_steps` <= 0 means no time limit.
// Throws std::invalid_argument, before touching any copy, when an action is
// outside [0, n_actions()).
void vector_step(const Env& env, const VectorState& v, const std::int64_t* actions, std::int64_t max_episode_steps,
                 const StepOutputs& out, int n_threads);

}  // namespace zoo::rl
