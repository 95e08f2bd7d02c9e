// Flush-to-zero for the calling thread, for the duration of a scope.
//
// Training drives some values towards zero geometrically (Adam's moments of
// a unit whose gradient has become zero, say). Once they fall below 1e-38
// they become subnormal, and x86 arithmetic on subnormals is up to a hundred
// times slower; flushing them to zero changes nothing a network can
// represent. TensorFlow does the same; PyTorch offers it as an option.
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define ZOO_HAS_MXCSR 1
#endif

namespace zoo {

// Sets and clears bits of the calling thread's MXCSR until the scope ends.
class MxcsrScope {
public:
    MxcsrScope(const MxcsrScope&) = delete;
    MxcsrScope& operator=(const MxcsrScope&) = delete;

protected:
    static constexpr unsigned kFlushToZero = 0x8000;
    static constexpr unsigned kDenormalsAreZero = 0x0040;

    MxcsrScope([[maybe_unused]] unsigned set, [[maybe_unused]] unsigned clear) {
#ifdef ZOO_HAS_MXCSR
        previous_ = _mm_getcsr();
        _mm_setcsr((previous_ | set) & ~clear);
#endif
    }
    ~MxcsrScope() {
#ifdef ZOO_HAS_MXCSR
        _mm_setcsr(previous_);
#endif
    }

private:
    unsigned previous_ = 0;
};

class FlushDenormalsScope : MxcsrScope {
public:
    FlushDenormalsScope() : MxcsrScope(kFlushToZero | kDenormalsAreZero, 0) {}
};

// The opposite, for code that calls out of a flushing scope into code that
// expects IEEE arithmetic (a Python environment stepped from a C++ loop).
class GradualUnderflowScope : MxcsrScope {
public:
    GradualUnderflowScope() : MxcsrScope(0, kFlushToZero | kDenormalsAreZero) {}
};

}  // namespace zoo
