// NumPy's default generator reproduced bit for bit: SeedSequence seeding a
// PCG64 (the XSL-RR 128/64 variant NumPy ships), and the float draws that
// gymnasium's environments make through `np_random`. Native environments use
// it so that `reset(seed=s)` followed by the same actions gives exactly what
// gymnasium's own environment gives.
//
// References: O'Neill, "PCG: A Family of Simple Fast Space-Efficient
// Statistically Good Algorithms for Random Number Generation" (2014);
// NumPy's SeedSequence, which follows Melissa O'Neill's seed_seq design.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace zoo {

namespace numpy_seeding {

constexpr std::uint32_t kInitA = 0x43b0d7e5u, kMultA = 0x931e8875u;
constexpr std::uint32_t kInitB = 0x8b51f9ddu, kMultB = 0x58f38dedu;
constexpr std::uint32_t kMixMultL = 0xca01f9ddu, kMixMultR = 0x4973f715u;
constexpr int kXShift = 16;
constexpr int kPoolSize = 4;

inline std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
    value ^= hash_const;
    hash_const *= kMultA;
    value *= hash_const;
    value ^= value >> kXShift;
    return value;
}

inline std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
    std::uint32_t result = kMixMultL * x - kMixMultR * y;
    result ^= result >> kXShift;
    return result;
}

// SeedSequence(entropy).generate_state(n_words, np.uint64) for an entropy
// given as its little-endian 32-bit words (a Python int of any size splits
// into them; 0 is the single word 0) and no spawn key.
inline std::vector<std::uint64_t> generate_state(const std::vector<std::uint32_t>& entropy, int n_words) {
    std::uint32_t pool[kPoolSize];
    std::uint32_t hash_const = kInitA;
    const int n_entropy = static_cast<int>(entropy.size());
    for (int i = 0; i < kPoolSize; ++i) pool[i] = hashmix(i < n_entropy ? entropy[static_cast<std::size_t>(i)] : 0u, hash_const);
    for (int src = 0; src < kPoolSize; ++src)
        for (int dst = 0; dst < kPoolSize; ++dst)
            if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hash_const));
    for (int src = kPoolSize; src < n_entropy; ++src)
        for (int dst = 0; dst < kPoolSize; ++dst)
            pool[dst] = mix(pool[dst], hashmix(entropy[static_cast<std::size_t>(src)], hash_const));

    std::vector<std::uint64_t> state(static_cast<std::size_t>(n_words));
    std::uint32_t out_const = kInitB;
    for (int i = 0; i < 2 * n_words; ++i) {
        std::uint32_t value = pool[i % kPoolSize];
        value ^= out_const;
        out_const *= kMultB;
        value *= out_const;
        value ^= value >> kXShift;
        // Two 32-bit words make one 64-bit word, low half first.
        state[static_cast<std::size_t>(i / 2)] |= static_cast<std::uint64_t>(value) << (32 * (i % 2));
    }
    return state;
}

// The 32-bit words NumPy's SeedSequence takes from a non-negative integer.
inline std::vector<std::uint32_t> entropy_words(std::uint64_t seed) {
    std::vector<std::uint32_t> words{static_cast<std::uint32_t>(seed)};
    if (seed >> 32) words.push_back(static_cast<std::uint32_t>(seed >> 32));
    return words;
}

}  // namespace numpy_seeding

// The whole generator state as plain data, so that it can live inside an
// environment's state record in a NumPy array. The 32-bit buffer mirrors
// NumPy's (Generator.integers draws 32 bits at a time for small ranges).
struct NumpyRandomState {
    std::uint64_t state_high = 0, state_low = 0, inc_high = 0, inc_low = 0;
    std::uint32_t buffered = 0;
    std::uint32_t has_buffered = 0;
};

class NumpyRandom {
public:
    explicit NumpyRandom(NumpyRandomState& state) : s_(state) {}

    // np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy))).
    static NumpyRandomState seeded(const std::vector<std::uint32_t>& entropy) {
        const std::vector<std::uint64_t> words = numpy_seeding::generate_state(entropy, 4);
        const u128 initstate = make(words[0], words[1]);
        const u128 initseq = make(words[2], words[3]);
        u128 state = 0;
        const u128 inc = (initseq << 1) | 1u;
        state = state * multiplier() + inc;
        state += initstate;
        state = state * multiplier() + inc;
        NumpyRandomState out;
        store(out, state, inc);
        return out;
    }
    static NumpyRandomState seeded(std::uint64_t seed) { return seeded(numpy_seeding::entropy_words(seed)); }

    std::uint64_t next_uint64() {
        u128 state = make(s_.state_high, s_.state_low);
        const u128 inc = make(s_.inc_high, s_.inc_low);
        state = state * multiplier() + inc;
        s_.state_high = static_cast<std::uint64_t>(state >> 64);
        s_.state_low = static_cast<std::uint64_t>(state);
        const unsigned rot = static_cast<unsigned>(state >> 122);
        const std::uint64_t x = s_.state_high ^ s_.state_low;
        return (x >> rot) | (x << ((64u - rot) & 63u));
    }

    std::uint32_t next_uint32() {
        if (s_.has_buffered) {
            s_.has_buffered = 0;
            return s_.buffered;
        }
        const std::uint64_t next = next_uint64();
        s_.has_buffered = 1;
        s_.buffered = static_cast<std::uint32_t>(next >> 32);
        return static_cast<std::uint32_t>(next);
    }

    // Generator.random(): 53 random bits in [0, 1).
    double random() { return static_cast<double>(next_uint64() >> 11) * (1.0 / 9007199254740992.0); }

    // Generator.uniform(low, high): low + (high - low) * random().
    double uniform(double low, double high) { return low + (high - low) * random(); }

    // Generator.integers(low, high) for an int64 result with high - low - 1
    // below 2^32: Lemire's method on buffered 32-bit draws, as NumPy does.
    std::int64_t integers(std::int64_t low, std::int64_t high) {
        const std::uint32_t range = static_cast<std::uint32_t>(high - low - 1);
        if (range == 0) return low;
        if (range == 0xffffffffu) return low + next_uint32();
        const std::uint32_t rng_excl = range + 1;
        std::uint64_t m = static_cast<std::uint64_t>(next_uint32()) * rng_excl;
        std::uint32_t leftover = static_cast<std::uint32_t>(m);
        if (leftover < rng_excl) {
            const std::uint32_t threshold = (0u - rng_excl) % rng_excl;
            while (leftover < threshold) {
                m = static_cast<std::uint64_t>(next_uint32()) * rng_excl;
                leftover = static_cast<std::uint32_t>(m);
            }
        }
        return low + static_cast<std::int64_t>(m >> 32);
    }

private:
    using u128 = unsigned __int128;
    static u128 make(std::uint64_t high, std::uint64_t low) { return (static_cast<u128>(high) << 64) | low; }
    static u128 multiplier() { return make(2549297995355413924ULL, 4865540595714422341ULL); }
    static void store(NumpyRandomState& out, u128 state, u128 inc) {
        out.state_high = static_cast<std::uint64_t>(state >> 64);
        out.state_low = static_cast<std::uint64_t>(state);
        out.inc_high = static_cast<std::uint64_t>(inc >> 64);
        out.inc_low = static_cast<std::uint64_t>(inc);
    }
    NumpyRandomState& s_;
};

}  // namespace zoo
