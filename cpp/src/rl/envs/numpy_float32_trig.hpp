// np.sin / np.cos on float32, bit for bit. NumPy 2.x does not call sinf/cosf
// where the CPU has fused multiply-add: it reduces the argument by pi/2 with
// Cody-Waite's three-part constant, evaluates a short polynomial on
// [-pi/4, pi/4] with FMAs and picks sin or cos and the sign from the
// quadrant; only huge arguments go to the C library. Its quadrant rounding
// is itself fused (x * 2/pi + 1.5 * 2^23 in one FMA), which decides ties.
// Without FMA hardware NumPy calls sinf/cosf, and so does this.
#pragma once

#include <cmath>

namespace zoo::rl::numpy_float32 {

namespace detail {

// NumPy picks its FMA kernels at run time from the CPU, so this does too.
inline bool uses_fma_kernel() {
#if defined(__x86_64__) || defined(__i386__)
    static const bool has_fma = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
    return has_fma;
#elif defined(__aarch64__)
    return true;
#else
    return false;
#endif
}

// cos(r) for r in [-pi/4, pi/4], as a polynomial in r^2.
inline float cos_poly(float r2) {
    float p = std::fma(0x1.98e616p-16f, r2, -0x1.6c06dcp-10f);
    p = std::fma(p, r2, 0x1.55553cp-05f);
    p = std::fma(p, r2, -0x1.000000p-01f);
    return std::fma(p, r2, 0x1.000000p+00f);
}

// sin(r) for r in [-pi/4, pi/4]: r + r^3 * q(r^2).
inline float sin_poly(float r, float r2) {
    float p = std::fma(0x1.7d3bbcp-19f, r2, -0x1.a06bbap-13f);
    p = std::fma(p, r2, 0x1.11119ap-07f);
    p = std::fma(p, r2, -0x1.555556p-03f);
    p = std::fma(p, r2, 0.0f);
    return std::fma(p, r, r);
}

inline float sin_or_cos(float x, bool cosine) {
    if (!detail::uses_fma_kernel()) return cosine ? std::cos(x) : std::sin(x);
    if (std::isnan(x)) return std::nanf("");
    // Past these magnitudes the three-part reduction cancels catastrophically.
    const float reducible = cosine ? 71476.0625f : 117435.992f;
    if (!(std::fabs(x) <= reducible)) return cosine ? std::cos(x) : std::sin(x);

    const float round_magic = 0x1.800000p+23f;
    const float quadrant = std::fma(x, 0x1.45f306p-1f, round_magic) - round_magic;
    float r = std::fma(quadrant, -0x1.921fb0p+00f, x);
    r = std::fma(quadrant, -0x1.5110b4p-22f, r);
    r = std::fma(quadrant, -0x1.846988p-48f, r);
    const float r2 = r * r;
    // cos(x) = sin(x + pi/2): one more quadrant turns the cosine into a sine.
    const int k = static_cast<int>(quadrant) + (cosine ? 1 : 0);
    const float value = (k & 1) == 0 ? sin_poly(r, r2) : cos_poly(r2);
    return (k & 2) != 0 ? 0.0f - value : value;
}

}  // namespace detail

inline float sin(float x) { return detail::sin_or_cos(x, false); }
inline float cos(float x) { return detail::sin_or_cos(x, true); }

}  // namespace zoo::rl::numpy_float32
