// Cancellation for long-running kernels. A kernel calls the check between
// iterations (never inside a parallel region); the check throws to abort.
// The Python bindings pass one that runs Python's signal handlers, so Ctrl-C
// stops a fit within one iteration instead of when the kernel returns.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>

namespace zoo {

using InterruptCheck = std::function<void()>;

inline void check_interrupt(const InterruptCheck& check) {
    if (check) check();
}

// Runs a parallel loop over [0, n) as a series of parallel regions of at most
// `slice` items, checking for an interrupt between them: the check may not
// run inside a parallel region.
template <class Index, class F>
void in_slices(Index n, Index slice, const InterruptCheck& interrupt, F&& region) {
    for (Index begin = 0; begin < n; begin += slice) {
        check_interrupt(interrupt);
        region(begin, std::min(n, begin + slice));
    }
}

// For loops whose steps range from nanoseconds to seconds (a tree's nodes):
// poll() runs the check only when `interval` has passed since the last one,
// so polling every step costs a clock read, yet Ctrl-C is seen within about
// one interval plus one step. (The check itself takes Python's GIL.)
class InterruptPoll {
public:
    explicit InterruptPoll(InterruptCheck check, std::chrono::milliseconds interval = std::chrono::milliseconds(20))
        : check_(std::move(check)), interval_(interval), next_(std::chrono::steady_clock::now() + interval) {}

    void poll() {
        if (!check_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now < next_) return;
        next_ = now + interval_;
        check_();
    }
    const InterruptCheck& check() const { return check_; }

private:
    InterruptCheck check_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point next_;
};

}  // namespace zoo
