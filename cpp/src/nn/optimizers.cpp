// Optimizer updates over the network's parameter segments, each method's
// rule (optimizer_rules.hpp) applied to every value of a segment. Frozen
// layers are skipped; weight decay touches weights, never biases or
// batch-norm parameters.
#include <cmath>
#include <stdexcept>

#include "optimizer_rules.hpp"

#include "zoo/nn_passes.hpp"
#include "zoo/denormals.hpp"

namespace zoo::nn {

int optimizer_slots(const OptimizerConfig& config) {
    switch (config.kind) {
        case Optimizer::adam:
        case Optimizer::adamw: return 2;
        case Optimizer::sgd:
        case Optimizer::rmsprop:
        case Optimizer::adagrad: return 1;
    }
    throw std::invalid_argument("unknown optimizer");
}

namespace {

// The arrays never overlap; saying so (__restrict) lets every loop below
// compile to vector instructions.
template <class T>
void update_segment(const OptimizerConfig& c, T* __restrict p, const T* __restrict g, T* __restrict s0,
                    T* __restrict s1, index_t length, bool decays, std::int64_t t) {
    const T lr = static_cast<T>(c.learning_rate);
    const T eps = static_cast<T>(c.epsilon);
    using namespace detail;
    switch (c.kind) {
        case Optimizer::sgd: {
            const T mu = static_cast<T>(c.beta1);
            if (mu == T(0)) {
                for (index_t i = 0; i < length; ++i) p[i] -= lr * g[i];
            } else if (c.nesterov) {
                for (index_t i = 0; i < length; ++i) sgd_momentum_rule(p[i], g[i], s0[i], lr, mu, true);
            } else {
                for (index_t i = 0; i < length; ++i) sgd_momentum_rule(p[i], g[i], s0[i], lr, mu, false);
            }
            return;
        }
        case Optimizer::adam:
        case Optimizer::adamw: {
            const T b1 = static_cast<T>(c.beta1), b2 = static_cast<T>(c.beta2);
            const AdamFactors<T> factors = AdamFactors<T>::at(c, t);
            if (c.kind == Optimizer::adamw && decays && c.weight_decay > 0) {
                const T keep = static_cast<T>(1.0 - c.learning_rate * c.weight_decay);
                for (index_t i = 0; i < length; ++i) p[i] *= keep;
            }
            for (index_t i = 0; i < length; ++i) adam_rule(p[i], g[i], s0[i], s1[i], b1, b2, factors, eps);
            return;
        }
        case Optimizer::rmsprop: {
            const T rho = static_cast<T>(c.beta2);
            for (index_t i = 0; i < length; ++i) rmsprop_rule(p[i], g[i], s0[i], lr, rho, eps);
            return;
        }
        case Optimizer::adagrad: {
            for (index_t i = 0; i < length; ++i) adagrad_rule(p[i], g[i], s0[i], lr, eps);
            return;
        }
    }
    throw std::invalid_argument("unknown optimizer");
}

}  // namespace

template <class T>
void optimizer_update(const Network& net, T* params, const T* grads, T* state, std::int64_t step,
                      const OptimizerConfig& config, const Team& team) {
    const index_t n = net.n_params;
    T* slot0 = state;
    T* slot1 = optimizer_slots(config) > 1 ? state + n : nullptr;
    const std::int64_t t = step + 1;  // Adam's bias correction counts this step
    for_each_owned_piece(net, team, [&](index_t offset, index_t length, bool decays) {
        update_segment(config, params + offset, grads + offset, slot0 + offset, slot1 ? slot1 + offset : nullptr,
                       length, decays, t);
    });
}

template void optimizer_update<float>(const Network&, float*, const float*, float*, std::int64_t,
                                      const OptimizerConfig&, const Team&);
template void optimizer_update<double>(const Network&, double*, const double*, double*, std::int64_t,
                                       const OptimizerConfig&, const Team&);

template <class T>
void optimizer_step(const Network& net, T* params, const T* grads, T* state, std::int64_t step,
                    const OptimizerConfig& config) {
    const FlushDenormalsScope flush_denormals;
    optimizer_update(net, params, grads, state, step, config, Team{});
}

template void optimizer_step<float>(const Network&, float*, const float*, float*, std::int64_t, const OptimizerConfig&);
template void optimizer_step<double>(const Network&, double*, const double*, double*, std::int64_t,
                                     const OptimizerConfig&);

}  // namespace zoo::nn
