// The exploration schedule DQN and the tabular learners share.
#pragma once

#include <cstdint>

namespace zoo::rl {

// Stable-Baselines3's linear schedule: from `start` to `end` over the first
// `fraction` of `total` steps, then constant at `end`.
inline double linear_schedule(double start, double end, double fraction, std::int64_t t, std::int64_t total) {
    const double progress = static_cast<double>(t) / static_cast<double>(total);
    if (fraction <= 0.0 || progress > fraction) return end;
    return start + progress * (end - start) / fraction;
}

}  // namespace zoo::rl
