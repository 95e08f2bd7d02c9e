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

class FlushDenormalsScope {
public:
    FlushDenormalsScope() {
#ifdef ZOO_HAS_MXCSR
        previous_ = _mm_getcsr();
        _mm_setcsr(previous_ | kFlushToZero | kDenormalsAreZero);
#endif
    }
    ~FlushDenormalsScope() {
#ifdef ZOO_HAS_MXCSR
        _mm_setcsr(previous_);
#endif
    }
    FlushDenormalsScope(const FlushDenormalsScope&) = delete;
    FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

private:
    static constexpr unsigned kFlushToZero = 0x8000;
    static constexpr unsigned kDenormalsAreZero = 0x0040;
    unsigned previous_ = 0;
};

}  // namespace zoo
