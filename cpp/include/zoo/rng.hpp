// A small, fast, seedable generator (xoshiro256++ seeded through splitmix64).
// Python draws the 64-bit seed from `random_state`, so a run is reproducible
// from the estimator's parameters alone.
#pragma once

#include <cmath>
#include <cstdint>

namespace zoo {

// splitmix64's finaliser: a bijective hash of 64 bits whose outputs for
// neighbouring inputs look independent (counter-based streams, seed mixing).
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& word : state_) word = splitmix64(seed);
    }

    // A generator whose state lives in a caller-owned array (a learner's RNG
    // state is a NumPy array, saved with the model): load, draw, store back.
    static Rng from_state(const std::uint64_t* words) {
        Rng rng(0);
        for (int i = 0; i < 4; ++i) rng.state_[i] = words[i];
        return rng;
    }
    void store(std::uint64_t* words) const {
        for (int i = 0; i < 4; ++i) words[i] = state_[i];
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[0] + state_[3], 23) + state_[0];
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Uniform integer in [0, n); n > 0. Lemire's multiply-shift, bias < 2^-64 * n.
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) { return mix64(x += 0x9e3779b97f4a7c15ULL); }
    std::uint64_t state_[4];
};

// Standard normal draws into out[0, count), by the Box-Muller transform.
template <class T, class Index>
void fill_standard_normal(Rng& rng, T* out, Index count) {
    constexpr double two_pi = 6.283185307179586476925;
    for (Index i = 0; i < count; i += 2) {
        const double radius = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));  // 1 - u in (0, 1]: log is finite
        const double angle = two_pi * rng.uniform();
        out[i] = static_cast<T>(radius * std::cos(angle));
        if (i + 1 < count) out[i + 1] = static_cast<T>(radius * std::sin(angle));
    }
}

}  // namespace zoo
