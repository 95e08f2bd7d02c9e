// Training and inference drivers. A whole epoch runs inside one OpenMP
// parallel region: the team gathers each mini-batch, runs the forward and
// backward passes column slice by column slice (network.cpp), computes the
// loss row slice by row slice, and updates its share of the parameters, with
// BLAS single-threaded inside. Nothing in the region allocates or throws:
// inputs are validated before it starts.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "losses.hpp"
#include "zoo/nn_passes.hpp"
#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"
#include "zoo/rng.hpp"

namespace zoo::nn {

using detail::apply_loss;
using detail::LossResult;
using detail::target_columns;
using detail::validate_targets;

namespace {

// Rows per block when predicting: big enough for efficient GEMMs, small
// enough that the caches of a wide network stay modest.
constexpr index_t kInferenceRows = 1024;

inline void barrier() {
#pragma omp barrier
}

void check_config(const Network& net, const TrainConfig& config) {
    net.validate();
    if (config.batch_size < 1) throw std::invalid_argument("batch_size must be >= 1");
    if (config.n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (!(config.optimizer.learning_rate >= 0)) throw std::invalid_argument("learning_rate must be >= 0");
    if (config.loss == Loss::huber && !(config.huber_delta > 0)) throw std::invalid_argument("huber delta must be > 0");
}

template <class T>
void check_data(const Network& net, const Batch<T>& data, const TrainConfig& config) {
    if (data.n < 1) throw std::invalid_argument("no samples");
    if (data.n_targets != target_columns(config.loss, net.n_outputs()))
        throw std::invalid_argument("targets have the wrong number of columns for this loss");
    validate_targets(config.loss, data.y, data.n, net.n_outputs());
    for (index_t i = 0; i < data.n; ++i)
        if (!(data.weight[i] >= T(0)) || !std::isfinite(static_cast<double>(data.weight[i])))
            throw std::invalid_argument("sample weights must be finite and non-negative");
}

// (strength / 2) * sum F (theta - anchor)^2 over the trainable values.
template <class T>
double anchor_penalty_value(const Network& net, const T* params, const TrainConfig& config) {
    if (!config.anchored()) return 0.0;
    double total = 0.0;
    for_each_owned_piece(net, Team{}, [&](index_t offset, index_t length, bool) {
        for (index_t i = offset; i < offset + length; ++i) {
            const double shift = static_cast<double>(params[i]) - config.anchor[i];
            total += config.anchor_weight[i] * shift * shift;
        }
    });
    return 0.5 * config.anchor_strength * total;
}

// l1 * sum|W| + l2 * sum W^2 over the weight matrices (not biases), plus
// the anchored (EWC) penalty.
template <class T>
double penalty_value(const Network& net, const T* params, const TrainConfig& config) {
    const double anchored = anchor_penalty_value(net, params, config);
    if (config.l1 == 0 && config.l2 == 0) return anchored;
    double l1 = 0.0, l2 = 0.0;
    for (const Layer& layer : net.layers) {
        const T* w = params + layer.weight_offset;
        for (index_t i = 0; i < layer.n_in * layer.n_out; ++i) {
            l1 += std::abs(static_cast<double>(w[i]));
            l2 += static_cast<double>(w[i]) * static_cast<double>(w[i]);
        }
    }
    return config.l1 * l1 + config.l2 * l2 + anchored;
}

// Penalties, clipping and the optimizer update on this member's pieces.
template <class T>
void update_parameters(const Network& net, T* params, T* grads, T* state, std::int64_t step, const TrainConfig& config,
                       std::vector<double>& norms, const Team& team) {
    finish_gradients(net, params, grads, config, norms, team);
    optimizer_update(net, params, grads, state, step, config.optimizer, team);
}

template <class T>
void gather_rows(const T* source, index_t width, const index_t* rows, index_t from, index_t to, T* out) {
    for (index_t r = from; r < to; ++r)
        std::copy(source + rows[r] * width, source + (rows[r] + 1) * width, out + r * width);
}

ForwardOptions training_options(const TrainConfig& config) {
    ForwardOptions options;
    options.mode = Mode::train;
    options.bn_momentum = config.bn_momentum;
    options.bn_epsilon = config.bn_epsilon;
    options.dropout_seed = config.seed;
    return options;
}

}  // namespace


namespace {

// Penalty gradients and value clipping on the pieces this member owns;
// returns their squared gradient norm (for norm clipping).
template <class T>
double finish_owned_gradients(const Network& net, const T* params, T* grads, const TrainConfig& config, const Team& team) {
    const T l1 = static_cast<T>(config.l1), twice_l2 = static_cast<T>(2 * config.l2);
    const T limit = static_cast<T>(config.clip_value);
    const bool penalised = config.l1 != 0 || config.l2 != 0, clipped = config.clip_value > 0, norm = config.clip_norm > 0;
    const bool anchored = config.anchored();
    const double strength = config.anchor_strength;
    double squares = 0.0;
    if (!penalised && !anchored && !clipped && !norm) return 0.0;
    for_each_owned_piece(net, team, [&](index_t offset, index_t length, bool decays) {
        T* g = grads + offset;
        const T* w = params + offset;
        for (index_t i = 0; i < length; ++i) {
            if (penalised && decays) g[i] += l1 * static_cast<T>((w[i] > T(0)) - (w[i] < T(0))) + twice_l2 * w[i];
            if (anchored) {
                // EWC pulls every trainable value (biases too) back towards
                // the anchor, in proportion to its importance.
                const double shift = static_cast<double>(w[i]) - config.anchor[offset + i];
                g[i] += static_cast<T>(strength * config.anchor_weight[offset + i] * shift);
            }
            if (clipped) g[i] = std::clamp(g[i], -limit, limit);
            squares += static_cast<double>(g[i]) * static_cast<double>(g[i]);
        }
    });
    return squares;
}

}  // namespace

// Penalties and value clipping on this member's pieces, then global-norm
// clipping across the team (one barrier, only when clipping by norm).
template <class T>
void finish_gradients(const Network& net, const T* params, T* grads, const TrainConfig& config,
                      std::vector<double>& norms, const Team& team) {
    norms[static_cast<size_t>(team.id)] = finish_owned_gradients(net, params, grads, config, team);
    if (!(config.clip_norm > 0)) return;
    barrier();
    const double norm = std::sqrt(std::accumulate(norms.begin(), norms.end(), 0.0));
    if (norm <= config.clip_norm) return;
    const T scale = static_cast<T>(config.clip_norm / norm);
    for_each_owned_piece(net, team, [&](index_t offset, index_t length, bool) {
        for (index_t i = 0; i < length; ++i) grads[offset + i] *= scale;
    });
}

template void finish_gradients<float>(const Network&, const float*, float*, const TrainConfig&, std::vector<double>&,
                                     const Team&);
template void finish_gradients<double>(const Network&, const double*, double*, const TrainConfig&, std::vector<double>&,
                                      const Team&);

template <class T>
EpochSummary train_epoch(const Network& net, const Batch<T>& data, T* params, T* grads, T* state, std::int64_t step,
                         T* buffers, const TrainConfig& config) {
    check_config(net, config);
    check_data(net, data, config);
    blas::SingleThreadedScope single_threaded_blas;
    const index_t n = data.n, d = net.n_inputs(), t = data.n_targets, k = net.n_outputs();
    const index_t batch = std::min(config.batch_size, n);
    const index_t n_batches = (n + batch - 1) / batch;

    Rng rng(config.seed);
    std::vector<index_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), index_t(0));
    if (config.shuffle)
        for (index_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<std::uint64_t>(i + 1))]);

    Workspace<T> ws(net, batch);
    ws.x.resize(static_cast<size_t>(batch * d));
    ws.y.resize(static_cast<size_t>(batch * t));
    ws.weight.resize(static_cast<size_t>(batch));
    const int team_size = team_size_for(net, batch, config.n_threads);
    std::vector<LossResult> totals(static_cast<size_t>(team_size));
    std::vector<double> norms(static_cast<size_t>(team_size), 0.0);
    double total_weight = 0.0;
    std::int64_t steps = 0;

#pragma omp parallel num_threads(team_size)
    {
        const FlushDenormalsScope flush_denormals;  // per thread: MXCSR is thread state
        const Team team = Team::current();
        ForwardOptions options = training_options(config);
        LossResult mine;  // a local: members never write the same cache line per batch
        std::int64_t taken = 0;
        double seen_weight = 0.0;
        for (index_t b = 0; b < n_batches; ++b) {
            const index_t start = b * batch, rows = std::min(batch, n - start);
            const index_t* picked = order.data() + start;
            const auto [r0, r1] = team.share(rows);
            gather_rows(data.x, d, picked, r0, r1, ws.x.data());
            gather_rows(data.y, t, picked, r0, r1, ws.y.data());
            gather_rows(data.weight, 1, picked, r0, r1, ws.weight.data());
            barrier();
            double batch_weight = 0.0;  // every member sums in the same order
            for (index_t r = 0; r < rows; ++r) batch_weight += static_cast<double>(ws.weight[static_cast<size_t>(r)]);
            if (!(batch_weight > 0)) {  // nothing to learn from zero-weight rows
                barrier();
                continue;
            }
            options.dropout_stream = static_cast<std::uint64_t>(b);
            const T* outputs = forward_updating_statistics(net, ws.x.data(), rows, params, buffers, ws, options, team);
            const LossResult part = apply_loss(config.loss, config.huber_delta, outputs + r0 * k, ws.y.data() + r0 * t,
                                               ws.weight.data() + r0, r1 - r0, k, batch_weight,
                                               ws.grad_out.data() + r0 * k);
            mine.weighted_loss += part.weighted_loss;
            mine.correct += part.correct;
            mine.squared_error += part.squared_error;
            barrier();
            backward(net, ws.x.data(), rows, params, grads, ws, team);
            // Each member updates the weights it alone reads in the next
            // forward pass; the next batch's barriers order everything else.
            update_parameters(net, params, grads, state, step + taken, config, norms, team);
            ++taken;
            seen_weight += batch_weight;
        }
        totals[static_cast<size_t>(team.id)] = mine;
        if (team.id == 0) {
            steps = taken;
            total_weight = seen_weight;
        }
    }

    EpochSummary summary;
    for (const LossResult& part : totals) {
        summary.loss += part.weighted_loss;
        summary.correct += part.correct;
        summary.squared_error += part.squared_error;
    }
    summary.weight = total_weight;
    summary.steps = steps;
    summary.loss = total_weight > 0 ? summary.loss / total_weight : 0.0;
    summary.loss += penalty_value(net, params, config);
    return summary;
}

template <class T>
void predict(const Network& net, const T* x, index_t n, const T* params, const T* buffers, T* out, int n_threads) {
    net.validate();
    if (n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (n < 1) return;
    blas::SingleThreadedScope single_threaded_blas;
    const index_t block = std::min(kInferenceRows, n);
    Workspace<T> ws(net, block);
    const index_t k = net.n_outputs();
#pragma omp parallel num_threads(team_size_for(net, n, n_threads))
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        const ForwardOptions options;  // inference: running statistics, no dropout
        for (index_t start = 0; start < n; start += block) {
            const index_t rows = std::min(block, n - start);
            const T* outputs = forward(net, x + start * net.n_inputs(), rows, params, buffers, ws, options, team);
            const auto [r0, r1] = team.share(rows);
            std::copy(outputs + r0 * k, outputs + r1 * k, out + (start + r0) * k);
            barrier();
        }
    }
}

template <class T>
EpochSummary evaluate(const Network& net, const Batch<T>& data, const T* params, const T* buffers,
                      const TrainConfig& config) {
    check_config(net, config);
    check_data(net, data, config);
    const index_t k = net.n_outputs();
    std::vector<T> outputs(static_cast<size_t>(data.n * k));
    predict(net, data.x, data.n, params, buffers, outputs.data(), config.n_threads);
    double total_weight = 0.0;
    for (index_t i = 0; i < data.n; ++i) total_weight += static_cast<double>(data.weight[i]);
    const LossResult result = apply_loss<T>(config.loss, config.huber_delta, outputs.data(), data.y, data.weight, data.n,
                                            k, total_weight, nullptr);
    EpochSummary summary;
    summary.weight = total_weight;
    summary.loss = (total_weight > 0 ? result.weighted_loss / total_weight : 0.0) + penalty_value(net, params, config);
    summary.correct = result.correct;
    summary.squared_error = result.squared_error;
    return summary;
}

template <class T>
double loss_and_gradient(const Network& net, const Batch<T>& data, const T* params, T* grads, const T* buffers,
                         const TrainConfig& config) {
    check_config(net, config);
    check_data(net, data, config);
    blas::SingleThreadedScope single_threaded_blas;
    Workspace<T> ws(net, data.n);
    const index_t k = net.n_outputs();
    double total_weight = 0.0;
    for (index_t i = 0; i < data.n; ++i) total_weight += static_cast<double>(data.weight[i]);
    std::vector<LossResult> parts(static_cast<size_t>(config.n_threads));
    std::vector<double> norms(static_cast<size_t>(config.n_threads), 0.0);
#pragma omp parallel num_threads(team_size_for(net, data.n, config.n_threads))
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        const T* outputs = forward(net, data.x, data.n, params, buffers, ws, training_options(config), team);
        const auto [r0, r1] = team.share(data.n);
        parts[static_cast<size_t>(team.id)] =
            apply_loss(config.loss, config.huber_delta, outputs + r0 * k, data.y + r0 * data.n_targets, data.weight + r0,
                       r1 - r0, k, total_weight, ws.grad_out.data() + r0 * k);
        barrier();
        backward(net, data.x, data.n, params, grads, ws, team);
        finish_gradients(net, params, grads, config, norms, team);
    }
    double loss = 0.0;
    for (const LossResult& part : parts) loss += part.weighted_loss;
    return (total_weight > 0 ? loss / total_weight : 0.0) + penalty_value(net, params, config);
}

template <class T>
void sample_gradient_squares(const Network& net, const Batch<T>& data, const T* params, const T* buffers,
                             const TrainConfig& config, double* out) {
    check_config(net, config);
    check_data(net, data, config);
    // The Fisher information of the network as it predicts: without dropout
    // (training mode then computes what inference does, and fills the caches
    // the backward pass reads).
    // Frozen layers count too: their parameters matter to the task as much,
    // and a later task may unfreeze them.
    Network predicting = net;
    for (Layer& layer : predicting.layers) {
        layer.dropout = 0.0;
        layer.trainable = true;
    }
    blas::SingleThreadedScope single_threaded_blas;
    // Blocks of rows run through GEMMs; each row's loss gradient is its own
    // (weight 1 of a total of 1), and backward squares and weights it.
    constexpr index_t kBlockRows = 64;
    const index_t k = net.n_outputs(), d = net.n_inputs(), t = data.n_targets;
    const index_t block = std::min(kBlockRows, data.n);
    const index_t n_blocks = (data.n + block - 1) / block;
    const int n_threads = static_cast<int>(std::min<index_t>(team_size_for(net, data.n, config.n_threads), n_blocks));
    // Everything is allocated here: nothing in the parallel region may throw.
    const size_t members = static_cast<size_t>(n_threads), length = static_cast<size_t>(net.n_params);
    std::vector<std::vector<T>> sums(members, std::vector<T>(length, T(0)));
    std::vector<std::vector<T>> grad_rows(members, std::vector<T>(length));
    std::vector<Workspace<T>> spaces;
    std::vector<GradientSquares<T>> squares;
    spaces.reserve(members);
    squares.reserve(members);
    for (size_t m = 0; m < members; ++m) {
        spaces.emplace_back(predicting, block);
        squares.emplace_back(predicting, block);
        squares[m].out = sums[m].data();
        spaces[m].squares = &squares[m];
    }
    const std::vector<T> ones(static_cast<size_t>(block), T(1));
#pragma omp parallel num_threads(n_threads)
    {
        const int id = omp_get_thread_num();
        Workspace<T>& ws = spaces[static_cast<size_t>(id)];
        T* grads = grad_rows[static_cast<size_t>(id)].data();
        // Shared among the threads the runtime actually gave (OMP_THREAD_LIMIT
        // or OMP_DYNAMIC may give fewer than asked): no block left out.
        const int given = omp_get_num_threads();
        const index_t first = n_blocks * id / given, last = n_blocks * (id + 1) / given;
        // Each thread runs its blocks alone: the passes' barriers bind to
        // this inner team of one, so threads never wait for each other.
#pragma omp parallel num_threads(1)
        {
            const FlushDenormalsScope flush_denormals;
            const Team team = Team::current();
            const ForwardOptions options = training_options(config);
            for (index_t b = first; b < last; ++b) {
                const index_t start = b * block, rows = std::min(block, data.n - start);
                const T* x = data.x + start * d;
                ws.squares->row_weight = data.weight + start;
                const T* outputs = forward(predicting, x, rows, params, buffers, ws, options, team);
                apply_loss(config.loss, config.huber_delta, outputs, data.y + start * t, ones.data(), rows, k, 1.0,
                           ws.grad_out.data());
                backward(predicting, x, rows, params, grads, ws, team);
            }
        }
    }
    std::fill(out, out + net.n_params, 0.0);
    for (const std::vector<T>& sum : sums)
        for (size_t p = 0; p < length; ++p) out[p] += static_cast<double>(sum[p]);
}

#define ZOO_INSTANTIATE(T)                                                                                          \
    template EpochSummary train_epoch<T>(const Network&, const Batch<T>&, T*, T*, T*, std::int64_t, T*,             \
                                         const TrainConfig&);                                                       \
    template void predict<T>(const Network&, const T*, index_t, const T*, const T*, T*, int);                      \
    template EpochSummary evaluate<T>(const Network&, const Batch<T>&, const T*, const T*, const TrainConfig&);     \
    template double loss_and_gradient<T>(const Network&, const Batch<T>&, const T*, T*, const T*, const TrainConfig&); \
    template void sample_gradient_squares<T>(const Network&, const Batch<T>&, const T*, const T*, const TrainConfig&, \
                                             double*);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::nn
