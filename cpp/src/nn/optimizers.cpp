// Optimizer updates over the network's parameter segments, following each
// method's published rule in the form PyTorch implements it:
//   SGD       v = mu v + g;  p -= lr (nesterov ? g + mu v : v)   (mu = 0: p -= lr g)
//   Adam      Kingma & Ba 2015, bias-corrected moments
//   AdamW     Loshchilov & Hutter 2019: p *= 1 - lr wd before the Adam step
//   RMSprop   Hinton's lecture 6e: s = rho s + (1 - rho) g^2
//   AdaGrad   Duchi et al. 2011: s += g^2
// Frozen layers are skipped; weight decay touches weights, never biases or
// batch-norm parameters.
#include <cmath>
#include <stdexcept>

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
    switch (c.kind) {
        case Optimizer::sgd: {
            const T mu = static_cast<T>(c.beta1);
            if (mu == T(0)) {
                for (index_t i = 0; i < length; ++i) p[i] -= lr * g[i];
            } else if (c.nesterov) {
                for (index_t i = 0; i < length; ++i) {
                    s0[i] = mu * s0[i] + g[i];
                    p[i] -= lr * (g[i] + mu * s0[i]);
                }
            } else {
                for (index_t i = 0; i < length; ++i) {
                    s0[i] = mu * s0[i] + g[i];
                    p[i] -= lr * s0[i];
                }
            }
            return;
        }
        case Optimizer::adam:
        case Optimizer::adamw: {
            const T b1 = static_cast<T>(c.beta1), b2 = static_cast<T>(c.beta2);
            const double correction1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
            const double correction2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
            const T step_size = static_cast<T>(c.learning_rate / correction1);
            const T inv_sqrt_c2 = static_cast<T>(1.0 / std::sqrt(correction2));
            if (c.kind == Optimizer::adamw && decays && c.weight_decay > 0) {
                const T keep = static_cast<T>(1.0 - c.learning_rate * c.weight_decay);
                for (index_t i = 0; i < length; ++i) p[i] *= keep;
            }
            for (index_t i = 0; i < length; ++i) {
                s0[i] = b1 * s0[i] + (T(1) - b1) * g[i];
                s1[i] = b2 * s1[i] + (T(1) - b2) * g[i] * g[i];
                p[i] -= step_size * s0[i] / (std::sqrt(s1[i]) * inv_sqrt_c2 + eps);
            }
            return;
        }
        case Optimizer::rmsprop: {
            const T rho = static_cast<T>(c.beta2);
            for (index_t i = 0; i < length; ++i) {
                s0[i] = rho * s0[i] + (T(1) - rho) * g[i] * g[i];
                p[i] -= lr * g[i] / (std::sqrt(s0[i]) + eps);
            }
            return;
        }
        case Optimizer::adagrad: {
            for (index_t i = 0; i < length; ++i) {
                s0[i] += g[i] * g[i];
                p[i] -= lr * g[i] / (std::sqrt(s0[i]) + eps);
            }
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
