// What the classic-control kernels share besides the Env interface: their
// start state is drawn uniformly from [low, high], and gymnasium lets
// reset(options={"low": ..., "high": ...}) move that interval.
#pragma once

#include <cstddef>

#include "zoo/envs.hpp"

namespace zoo::rl {

class BoundedReset {
public:
    virtual ~BoundedReset() = default;
    // reset() with the start-state interval [low, high] instead of the default one.
    virtual void reset_within(std::byte* state, double low, double high, float* observation) const = 0;
};

// Adapts a kernel's static `reset_within(const K&, State&, double, double, float*)`.
template <class K>
class BoundedResetKernel : public EnvKernel<K>, public BoundedReset {
public:
    void reset_within(std::byte* state, double low, double high, float* observation) const override {
        K::reset_within(static_cast<const K&>(*this), *reinterpret_cast<typename K::State*>(state), low, high,
                        observation);
    }
};

}  // namespace zoo::rl
