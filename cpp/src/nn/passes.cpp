// Whole-batch forward and backward calls (zoo/nn.hpp) for training loops
// that compute their loss outside the engine. Each call runs one team over
// the rows as a single batch; the gradient call repeats the forward pass
// rather than keeping its caches, so kernels stay stateless.
#include <omp.h>

#include <algorithm>
#include <stdexcept>

#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"
#include "zoo/nn_passes.hpp"

namespace zoo::nn {

namespace {

ForwardOptions options_for(const PassConfig& config) {
    ForwardOptions options;
    options.mode = config.training ? Mode::train : Mode::infer;
    options.bn_momentum = config.bn_momentum;
    options.bn_epsilon = config.bn_epsilon;
    options.dropout_seed = config.seed;
    return options;
}

void check(const Network& net, index_t n, const PassConfig& config) {
    net.validate();
    if (n < 1) throw std::invalid_argument("no samples");
    if (config.n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (!(config.bn_epsilon > 0)) throw std::invalid_argument("bn_epsilon must be > 0");
}

}  // namespace

template <class T>
void forward_batch(const Network& net, const T* x, index_t n, const T* params, const T* buffers, T* out,
                   const PassConfig& config, T* updated_buffers) {
    check(net, n, config);
    if (!config.training) {
        predict(net, x, n, params, buffers, out, config.n_threads);
        return;
    }
    blas::SingleThreadedScope single_threaded_blas;
    Workspace<T> ws(net, n);
    const index_t k = net.n_outputs();
#pragma omp parallel num_threads(team_size_for(net, n, config.n_threads))
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        const ForwardOptions options = options_for(config);
        const T* outputs = updated_buffers != nullptr
                               ? forward_updating_statistics(net, x, n, params, updated_buffers, ws, options, team)
                               : forward(net, x, n, params, buffers, ws, options, team);
        const auto [r0, r1] = team.share(n);
        std::copy(outputs + r0 * k, outputs + r1 * k, out + r0 * k);
    }
}

template <class T>
void backward_batch(const Network& net, const T* x, index_t n, const T* params, const T* buffers,
                    const T* grad_output, T* grads, T* grad_input, const PassConfig& config) {
    check(net, n, config);
    blas::SingleThreadedScope single_threaded_blas;
    Workspace<T> ws(net, n);
    const index_t k = net.n_outputs();
#pragma omp parallel num_threads(team_size_for(net, n, config.n_threads))
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        forward(net, x, n, params, buffers, ws, options_for(config), team);
        const auto [r0, r1] = team.share(n);
        std::copy(grad_output + r0 * k, grad_output + r1 * k, ws.grad_out.data() + r0 * k);
#pragma omp barrier
        backward(net, x, n, params, grads, ws, team, grad_input);
    }
}

#define ZOO_INSTANTIATE(T)                                                                                        \
    template void forward_batch<T>(const Network&, const T*, index_t, const T*, const T*, T*, const PassConfig&,  \
                                   T*);                                                                           \
    template void backward_batch<T>(const Network&, const T*, index_t, const T*, const T*, const T*, T*, T*,      \
                                    const PassConfig&);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::nn
