// Cancellation for long-running kernels. A kernel calls the check between
// iterations (never inside a parallel region); the check throws to abort.
// The Python bindings pass one that runs Python's signal handlers, so Ctrl-C
// stops a fit within one iteration instead of when the kernel returns.
#pragma once

#include <functional>

namespace zoo {

using InterruptCheck = std::function<void()>;

inline void check_interrupt(const InterruptCheck& check) {
    if (check) check();
}

}  // namespace zoo
