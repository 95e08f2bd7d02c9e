// What the classic-control kernels share besides the Env interface: their
// start state is drawn uniformly from [low, high], and gymnasium lets
// reset(options={"low": ..., "high": ...}) move that interval; their physical
// constants are gymnasium's writable attributes, kept in each copy's record.
#pragma once

#include <cstddef>
#include <cstring>
#include <iterator>
#include <vector>

#include "zoo/envs.hpp"

namespace zoo::rl {

class BoundedReset {
public:
    virtual ~BoundedReset() = default;
    // reset() with the start-state interval [low, high] instead of the default one.
    virtual void reset_within(std::byte* state, double low, double high, float* observation) const = 0;
};

// Adapts a kernel's static `reset_within(const K&, State&, double, double, float*)`,
// and publishes its physical parameters: K::State ends with `Parameters
// parameters`, float64 members in the order of K::kParameterNames, and
// K::default_parameters() gives a new copy's values.
template <class K>
class ClassicControlKernel : public EnvKernel<K>, public BoundedReset {
public:
    void reset_within(std::byte* state, double low, double high, float* observation) const override {
        K::reset_within(static_cast<const K&>(*this), *reinterpret_cast<typename K::State*>(state), low, high,
                        observation);
    }

    std::vector<Env::Parameter> parameters() const override {
        constexpr std::size_t n = std::size(K::kParameterNames);
        static_assert(sizeof(typename K::Parameters) == n * sizeof(double),
                      "Parameters must be exactly the float64 values kParameterNames names");
        const typename K::Parameters defaults = static_cast<const K&>(*this).default_parameters();
        double values[n];
        std::memcpy(values, &defaults, sizeof defaults);
        std::vector<Env::Parameter> out;
        for (std::size_t i = 0; i < n; ++i) out.push_back({K::kParameterNames[i], values[i]});
        return out;
    }
    std::size_t parameters_word() const override { return offsetof(typename K::State, parameters) / 8; }
};

}  // namespace zoo::rl
