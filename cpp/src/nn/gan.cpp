// The GAN epoch (zoo/gan.hpp). A whole epoch runs in one OpenMP parallel
// region: the team shares every network pass by columns (network.cpp) and
// the optimizer updates by owned pieces; the small serial pieces (drawing
// latent rows, batch features, the loss, spectral estimates) run on member
// 0 between barriers, so results do not depend on the team's size.
#include "zoo/gan.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"
#include "zoo/nn_passes.hpp"
#include "zoo/rng.hpp"

namespace zoo::nn {

namespace {

inline void barrier() {
#pragma omp barrier
}

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

// Who is judged: a real row, a generated row the discriminator should call
// generated, or a generated row the generator wants called real.
enum class Role { real, fake, generator };

// The loss of one logit and its derivative.
double logit_loss(GanLoss loss, Role role, double l, double& grad) {
    switch (loss) {
        case GanLoss::minimax:
        case GanLoss::non_saturating:
            if (role == Role::real || (role == Role::generator && loss == GanLoss::non_saturating)) {
                grad = sigmoid(l) - 1.0;  // -log sigmoid(l)
                return softplus(-l);
            }
            if (role == Role::fake) {
                grad = sigmoid(l);  // -log(1 - sigmoid(l))
                return softplus(l);
            }
            grad = -sigmoid(l);  // the minimax generator minimises log(1 - sigmoid(l))
            return -softplus(l);
        case GanLoss::least_squares:
            if (role == Role::fake) {
                grad = l;
                return 0.5 * l * l;
            }
            grad = l - 1.0;
            return 0.5 * (l - 1.0) * (l - 1.0);
        case GanLoss::hinge:
            if (role == Role::real) {
                grad = l < 1.0 ? -1.0 : 0.0;
                return std::max(0.0, 1.0 - l);
            }
            if (role == Role::fake) {
                grad = l > -1.0 ? 1.0 : 0.0;
                return std::max(0.0, 1.0 + l);
            }
            grad = -1.0;
            return -l;
        default:  // Wasserstein: the critic widens E[D(real)] - E[D(fake)]
            if (role == Role::fake) {
                grad = 1.0;
                return l;
            }
            grad = -1.0;
            return -l;
    }
}

// The logit above which the discriminator calls a row real, for a batch of
// `rows` real logits followed by as many generated ones: least squares aims
// real rows at 1 and generated ones at 0; a Wasserstein critic's level is
// arbitrary (only differences count), so it calls a row real above the
// midpoint of the two halves' means.
template <class T>
double decision_threshold(GanLoss loss, const T* logits, index_t rows) {
    if (loss == GanLoss::least_squares) return 0.5;
    if (loss != GanLoss::wasserstein) return 0.0;
    double total = 0.0;
    for (index_t r = 0; r < 2 * rows; ++r) total += static_cast<double>(logits[r]);
    return total / static_cast<double>(2 * rows);
}

constexpr double kStdEpsilon = 1e-8;  // keeps the batch standard deviation differentiable at zero spread

template <class T>
index_t batch_feature_width(const GanNetworks<T>& nets, const GanConfig& config) {
    switch (config.feature) {
        case BatchFeature::minibatch_std: return 1;
        case BatchFeature::minibatch_discrimination: return nets.projection.net->n_outputs() / config.kernel_dim;
        default: return 0;
    }
}

// The passes every GAN call is built from, over one set of workspaces sized
// for `max_rows` real rows (and as many generated ones).
template <class T>
class GanPasses {
public:
    GanPasses(GanNetworks<T>& nets, index_t n_features, index_t max_rows, const GanConfig& config)
        : nets_(nets), config_(config), d_(n_features), k_(config.n_conditions),
          a_(nets.body.net->n_outputs()), e_(batch_feature_width(nets, config)), w_(a_ + e_), max_rows_(max_rows),
          g_ws_(*nets.generator.net, max_rows), body_ws_(*nets.body.net, 2 * max_rows),
          head_ws_(*nets.head.net, 2 * max_rows),
          proj_ws_(nets.projection.present() ? *nets.projection.net : *nets.head.net,
                   nets.projection.present() ? 2 * max_rows : 1) {
        const size_t rows = static_cast<size_t>(2 * max_rows);
        g_in_.resize(static_cast<size_t>(max_rows * (config.latent_dim + k_)));
        d_in_.resize(rows * static_cast<size_t>(d_ + k_));
        grad_d_in_.resize(rows * static_cast<size_t>(d_ + k_));
        head_in_.resize(rows * static_cast<size_t>(w_));
        grad_head_in_.resize(rows * static_cast<size_t>(w_));
        if (nets.projection.present()) grad_proj_in_.resize(rows * static_cast<size_t>(a_));
        if (config.feature == BatchFeature::minibatch_discrimination)
            pair_kernel_.resize(rows * static_cast<size_t>(max_rows) * static_cast<size_t>(e_));
        if (config.spectral_norm) {
            body_eff_.assign(nets.body.params, nets.body.params + nets.body.net->n_params);
            head_eff_.assign(nets.head.params, nets.head.params + nets.head.net->n_params);
        }
    }

    index_t latent_width() const { return config_.latent_dim + k_; }
    index_t input_width() const { return d_ + k_; }
    T* generator_input() { return g_in_.data(); }
    T* discriminator_input() { return d_in_.data(); }
    const T* input_gradient() const { return grad_d_in_.data(); }
    T* logit_gradient() { return head_ws_.grad_out.data(); }
    T* generator_output_gradient() { return g_ws_.grad_out.data(); }

    // Generated rows (with the conditions they were drawn for) into the
    // discriminator input from row `at` on.
    void stage_generated(const T* generated, index_t rows, index_t at) {
        const index_t z = config_.latent_dim, lw = latent_width(), iw = input_width();
        for (index_t r = 0; r < rows; ++r) {
            T* row = d_in_.data() + (at + r) * iw;
            std::copy(generated + r * d_, generated + (r + 1) * d_, row);
            std::copy(g_in_.data() + r * lw + z, g_in_.data() + (r + 1) * lw, row + d_);
        }
    }

    // G(rows of the generator input): rows x d, living in the generator's workspace.
    const T* generate(index_t rows, const Team& team) {
        return forward(*nets_.generator.net, g_in_.data(), rows, nets_.generator.params, kNoBuffers, g_ws_, training_,
                       team);
    }

    void generator_backward(index_t rows, const Team& team) {
        backward(*nets_.generator.net, g_in_.data(), rows, nets_.generator.params, nets_.generator.grads, g_ws_, team);
    }

    // Logits of the discriminator input's first `rows` rows; batch features
    // are computed over [0, split) and [split, rows) separately.
    const T* discriminate(index_t rows, index_t split, Mode mode, const Team& team) {
        ForwardOptions options;
        options.mode = mode;
        body_out_ = forward(*nets_.body.net, d_in_.data(), rows, body_params(), kNoBuffers, body_ws_, options, team);
        if (nets_.projection.present())
            proj_out_ = forward(*nets_.projection.net, body_out_, rows, nets_.projection.params, kNoBuffers, proj_ws_,
                                options, team);
        if (team.id == 0) {
            for (index_t r = 0; r < rows; ++r)
                std::copy(body_out_ + r * a_, body_out_ + (r + 1) * a_, head_in_.data() + r * w_);
            batch_features_forward(0, split);
            if (split < rows) batch_features_forward(split, rows);
        }
        barrier();
        return forward(*nets_.head.net, head_in_.data(), rows, head_params(), kNoBuffers, head_ws_, options, team);
    }

    // Backpropagates d loss / d logits (in logit_gradient()) through the
    // last discriminate(): for the discriminator's step into its grads; for
    // the generator's (`generator_step`) into input_gradient() only, as the
    // discriminator's weights do not move then.
    void discriminator_backward(index_t rows, index_t split, bool generator_step, const Team& team) {
        T* const no_grads = nullptr;
        const auto grads = [&](const LearningNetwork<T>& net) { return generator_step ? no_grads : net.grads; };
        backward(*nets_.head.net, head_in_.data(), rows, head_params(), grads(nets_.head), head_ws_, team,
                 grad_head_in_.data());
        if (team.id == 0) {
            T* grad_h = body_ws_.grad_out.data();
            for (index_t r = 0; r < rows; ++r)
                std::copy(grad_head_in_.data() + r * w_, grad_head_in_.data() + r * w_ + a_, grad_h + r * a_);
            batch_features_backward(0, split);
            if (split < rows) batch_features_backward(split, rows);
        }
        barrier();
        if (nets_.projection.present()) {
            backward(*nets_.projection.net, body_out_, rows, nets_.projection.params, grads(nets_.projection), proj_ws_,
                     team, grad_proj_in_.data());
            if (team.id == 0) {
                T* grad_h = body_ws_.grad_out.data();
                for (index_t i = 0; i < rows * a_; ++i) grad_h[i] += grad_proj_in_[static_cast<size_t>(i)];
            }
            barrier();
        }
        backward(*nets_.body.net, d_in_.data(), rows, body_params(), grads(nets_.body), body_ws_, team,
                 generator_step ? grad_d_in_.data() : nullptr);
    }

    // Spectral normalisation (member 0): with `iterate`, one power
    // iteration per layer moves u towards W's top left singular vector;
    // then sigma = |W^T u|, v = W^T u / sigma, and the weights the passes
    // use are W / sigma.
    void refresh_spectral(bool iterate) {
        if (!config_.spectral_norm) return;
        T* u = nets_.spectral_u;
        std::copy(nets_.body.params, nets_.body.params + nets_.body.net->n_params, body_eff_.begin());
        std::copy(nets_.head.params, nets_.head.params + nets_.head.net->n_params, head_eff_.begin());
        sigmas_.clear();
        vs_.clear();
        for (const auto& [net, params, eff] : normalised()) {
            for (const Layer& layer : net->layers) {
                normalise_layer(layer, params + layer.weight_offset, eff + layer.weight_offset, u, iterate);
                u += layer.n_out;
            }
        }
    }

    // d loss / d W from d loss / d (W / sigma), for every normalised layer (member 0).
    void spectral_gradients() {
        if (!config_.spectral_norm) return;
        const T* u = nets_.spectral_u;
        size_t l = 0;
        for (const auto& [net, params, eff] : normalised()) {
            T* grads = net == nets_.body.net ? nets_.body.grads : nets_.head.grads;
            for (const Layer& layer : net->layers) {
                const index_t size = layer.n_in * layer.n_out;
                T* g = grads + layer.weight_offset;
                const T* w_sn = eff + layer.weight_offset;
                const std::vector<double>& v = vs_[l];
                double inner = 0.0;
                for (index_t i = 0; i < size; ++i) inner += static_cast<double>(g[i]) * static_cast<double>(w_sn[i]);
                const double inv_sigma = 1.0 / sigmas_[l];
                for (index_t o = 0; o < layer.n_out; ++o)
                    for (index_t i = 0; i < layer.n_in; ++i) {
                        T& value = g[o * layer.n_in + i];
                        value = static_cast<T>((static_cast<double>(value) - inner * static_cast<double>(u[o]) *
                                                                                 v[static_cast<size_t>(i)]) *
                                               inv_sigma);
                    }
                u += layer.n_out;
                ++l;
            }
        }
    }

private:
    const T* body_params() const { return config_.spectral_norm ? body_eff_.data() : nets_.body.params; }
    const T* head_params() const { return config_.spectral_norm ? head_eff_.data() : nets_.head.params; }

    struct Normalised {
        const Network* net;
        const T* params;
        T* eff;
    };
    std::vector<Normalised> normalised() {
        return {{nets_.body.net, nets_.body.params, body_eff_.data()}, {nets_.head.net, nets_.head.params, head_eff_.data()}};
    }

    void normalise_layer(const Layer& layer, const T* w, T* w_eff, T* u, bool iterate) {
        const index_t n_out = layer.n_out, n_in = layer.n_in;
        std::vector<double> v(static_cast<size_t>(n_in), 0.0);
        const auto transpose_times_u = [&] {
            std::fill(v.begin(), v.end(), 0.0);
            for (index_t o = 0; o < n_out; ++o)
                for (index_t i = 0; i < n_in; ++i)
                    v[static_cast<size_t>(i)] += static_cast<double>(w[o * n_in + i]) * static_cast<double>(u[o]);
            double norm = 0.0;
            for (double x : v) norm += x * x;
            return std::sqrt(norm);
        };
        if (iterate) {
            const double norm_v = transpose_times_u();
            if (norm_v > 0) {
                double norm_u = 0.0;
                std::vector<double> wu(static_cast<size_t>(n_out), 0.0);
                for (index_t o = 0; o < n_out; ++o) {
                    double s = 0.0;
                    for (index_t i = 0; i < n_in; ++i) s += static_cast<double>(w[o * n_in + i]) * v[static_cast<size_t>(i)];
                    wu[static_cast<size_t>(o)] = s;
                    norm_u += s * s;
                }
                norm_u = std::sqrt(norm_u);
                if (norm_u > 0)
                    for (index_t o = 0; o < n_out; ++o) u[o] = static_cast<T>(wu[static_cast<size_t>(o)] / norm_u);
            }
        }
        double sigma = transpose_times_u();
        if (!(sigma > 0)) sigma = 1.0;  // a zero matrix (or u orthogonal to its rows): leave the weights as they are
        for (double& x : v) x /= sigma;
        for (index_t i = 0; i < n_out * n_in; ++i) w_eff[i] = static_cast<T>(static_cast<double>(w[i]) / sigma);
        sigmas_.push_back(sigma);
        vs_.push_back(std::move(v));
    }

    // The mean and standard deviation (population, plus kStdEpsilon under
    // the root) of the body's output column `a` over rows [r0, r1).
    struct Spread {
        double mean, sd;
    };
    Spread column_spread(index_t r0, index_t r1, index_t a) const {
        const double m = static_cast<double>(r1 - r0);
        double mean = 0.0, var = 0.0;
        for (index_t r = r0; r < r1; ++r) mean += static_cast<double>(body_out_[r * a_ + a]);
        mean /= m;
        for (index_t r = r0; r < r1; ++r) {
            const double c = static_cast<double>(body_out_[r * a_ + a]) - mean;
            var += c * c;
        }
        return {mean, std::sqrt(var / m + kStdEpsilon)};
    }

    // Batch features of rows [r0, r1) into the head input's last e_ columns.
    void batch_features_forward(index_t r0, index_t r1) {
        const index_t m = r1 - r0;
        if (config_.feature == BatchFeature::minibatch_std) {
            // s = mean over features of the batch's standard deviation.
            double s = 0.0;
            for (index_t a = 0; a < a_; ++a) s += column_spread(r0, r1, a).sd;
            s /= static_cast<double>(a_);
            for (index_t r = r0; r < r1; ++r) head_in_[static_cast<size_t>(r * w_ + a_)] = static_cast<T>(s);
        } else if (config_.feature == BatchFeature::minibatch_discrimination) {
            // o_b(i) = mean over j != i of exp(-|M_i,b - M_j,b|_1), M = h T.
            // Salimans et al. sum; the mean keeps the feature in [0, 1] at
            // any batch size, where a sum of up to m - 1 terms would swamp
            // the head's other inputs and fix its scale to the batch size.
            // Each pair's kernel is computed once (it is symmetric) and kept.
            const index_t c = config_.kernel_dim, bc = e_ * c;
            const double scale = m > 1 ? 1.0 / static_cast<double>(m - 1) : 0.0;
            std::vector<double> totals(static_cast<size_t>(m * e_), 0.0);
            for (index_t i = 0; i < m; ++i)
                for (index_t j = i + 1; j < m; ++j) {
                    T* kernel = pair_kernel(r0, i, j);
                    for (index_t b = 0; b < e_; ++b) {
                        const double k = std::exp(-l1_distance(proj_out_ + (r0 + i) * bc + b * c,
                                                               proj_out_ + (r0 + j) * bc + b * c, c));
                        kernel[b] = static_cast<T>(k);
                        totals[static_cast<size_t>(i * e_ + b)] += k;
                        totals[static_cast<size_t>(j * e_ + b)] += k;
                    }
                }
            for (index_t i = 0; i < m; ++i)
                for (index_t b = 0; b < e_; ++b)
                    head_in_[static_cast<size_t>((r0 + i) * w_ + a_ + b)] =
                        static_cast<T>(scale * totals[static_cast<size_t>(i * e_ + b)]);
        }
    }

    // Adds the batch features' share of d loss / d h for rows [r0, r1) into
    // the body's output gradient, or writes d loss / d M into the projection's.
    void batch_features_backward(index_t r0, index_t r1) {
        const index_t m = r1 - r0;
        T* grad_h = body_ws_.grad_out.data();
        if (config_.feature == BatchFeature::minibatch_std) {
            // Recompute the batch statistics (forward ran on these rows).
            double g = 0.0;
            for (index_t r = r0; r < r1; ++r) g += static_cast<double>(grad_head_in_[static_cast<size_t>(r * w_ + a_)]);
            for (index_t a = 0; a < a_; ++a) {
                const auto [mean, sd] = column_spread(r0, r1, a);
                const double scale = g / (static_cast<double>(a_) * static_cast<double>(m) * sd);
                for (index_t r = r0; r < r1; ++r)
                    grad_h[r * a_ + a] += static_cast<T>(scale * (static_cast<double>(body_out_[r * a_ + a]) - mean));
            }
        } else if (config_.feature == BatchFeature::minibatch_discrimination) {
            // The pair (i, j) enters o_b(i) and o_b(j) through k = exp(-|M_i,b - M_j,b|_1) / (m - 1):
            // d k / d M_i,b,t = -k sign(M_i,b,t - M_j,b,t) = -d k / d M_j,b,t.
            const index_t c = config_.kernel_dim, bc = e_ * c;
            const double scale = m > 1 ? 1.0 / static_cast<double>(m - 1) : 0.0;
            T* grad_m = proj_ws_.grad_out.data();
            std::fill(grad_m + r0 * bc, grad_m + r1 * bc, T(0));
            const auto feature_grad = [&](index_t row, index_t b) {
                return static_cast<double>(grad_head_in_[static_cast<size_t>(row * w_ + a_ + b)]);
            };
            for (index_t i = 0; i < m; ++i)
                for (index_t j = i + 1; j < m; ++j) {
                    const T* kernel = pair_kernel(r0, i, j);
                    for (index_t b = 0; b < e_; ++b) {
                        const double weight = scale * (feature_grad(r0 + i, b) + feature_grad(r0 + j, b)) *
                                              static_cast<double>(kernel[b]);
                        const T* mi = proj_out_ + (r0 + i) * bc + b * c;
                        const T* mj = proj_out_ + (r0 + j) * bc + b * c;
                        T* gi = grad_m + (r0 + i) * bc + b * c;
                        T* gj = grad_m + (r0 + j) * bc + b * c;
                        for (index_t t = 0; t < c; ++t) {
                            const double step = weight * ((mi[t] > mj[t]) - (mi[t] < mj[t]));
                            gi[t] -= static_cast<T>(step);
                            gj[t] += static_cast<T>(step);
                        }
                    }
                }
        }
    }

    T* pair_kernel(index_t r0, index_t i, index_t j) {
        return pair_kernel_.data() + ((r0 + i) * max_rows_ + j) * e_;
    }

    static double l1_distance(const T* a, const T* b, index_t c) {
        double total = 0.0;
        for (index_t t = 0; t < c; ++t) total += std::abs(static_cast<double>(a[t]) - static_cast<double>(b[t]));
        return total;
    }

    static constexpr const T* kNoBuffers = nullptr;  // GAN networks have no batch norm
    GanNetworks<T>& nets_;
    const GanConfig& config_;
    const index_t d_, k_, a_, e_, w_, max_rows_;
    ForwardOptions training_{Mode::train};
    Workspace<T> g_ws_, body_ws_, head_ws_, proj_ws_;
    std::vector<T> g_in_, d_in_, grad_d_in_, head_in_, grad_head_in_, grad_proj_in_;
    // Mini-batch discrimination's exp(-|M_i,b - M_j,b|_1) for the pairs i < j
    // of each half's rows, kept from forward for backward: (i, j, b) at
    // ((r0 + i) * max_rows + j) * e_ + b, i and j counted from the half's r0.
    std::vector<T> pair_kernel_;
    std::vector<T> body_eff_, head_eff_;
    std::vector<double> sigmas_;
    std::vector<std::vector<double>> vs_;
    const T* body_out_ = nullptr;
    const T* proj_out_ = nullptr;
};

// Copies row `row` of x (d values) and of the conditions (k values) into `out`.
template <class T>
void put_row(const T* x, const T* conditions, index_t row, index_t d, index_t k, T* out) {
    std::copy(x + row * d, x + (row + 1) * d, out);
    if (k > 0) std::copy(conditions + row * k, conditions + (row + 1) * k, out + d);
}

// Losses of `rows` logits in one role, their gradients (scaled by 1 /
// rows) into `grad`; returns the mean loss and counts the rows called right
// (real above `threshold`, generated at or below it).
template <class T>
double judge(GanLoss loss, Role role, const T* logits, index_t rows, T* grad, double threshold, double& correct) {
    double total = 0.0;
    for (index_t r = 0; r < rows; ++r) {
        double g = 0.0;
        const double l = static_cast<double>(logits[r]);
        total += logit_loss(loss, role, l, g);
        grad[r] = static_cast<T>(g / static_cast<double>(rows));
        correct += role == Role::real ? (l > threshold) : (l <= threshold);
    }
    return total / static_cast<double>(rows);
}

template <class T>
void clip_owned(const LearningNetwork<T>& net, double clip, const Team& team) {
    if (!(clip > 0) || !net.present()) return;
    const T low = static_cast<T>(-clip), high = static_cast<T>(clip);
    for_each_owned_piece(*net.net, team, [&](index_t offset, index_t length, bool) {
        for (index_t i = 0; i < length; ++i) net.params[offset + i] = std::clamp(net.params[offset + i], low, high);
    });
}

// A GAN step is eight passes over small networks with a barrier between
// each piece, and its serial pieces (staging rows, the loss, batch features)
// grow with the batch, so a team pays off only at several times the work a
// plain network step needs: measured, the 2-128-128 pair at batch 128 took
// 1.2 times as long on two threads as on one.
constexpr index_t kGanWorkPerThread = 8;

template <class T>
int gan_team_size(const GanNetworks<T>& nets, index_t rows, int n_threads) {
    const index_t share = std::max<index_t>(1, rows / kGanWorkPerThread);
    return std::max({team_size_for(*nets.generator.net, share, n_threads),
                     team_size_for(*nets.body.net, 2 * share, n_threads)});
}

}  // namespace

template <class T>
void check_gan(const GanNetworks<T>& nets, index_t n_features, const GanConfig& config) {
    const auto need = [](bool ok, const std::string& what) {
        if (!ok) throw std::invalid_argument(what);
    };
    need(nets.generator.present() && nets.body.present() && nets.head.present(),
         "a GAN needs a generator, a discriminator body and a head");
    for (const LearningNetwork<T>* net : {&nets.generator, &nets.body, &nets.projection, &nets.head})
        if (net->present()) {
            net->net->validate();
            for (const Layer& layer : net->net->layers)
                need(!layer.batch_norm && layer.dropout == 0.0, "GAN networks take neither batch norm nor dropout");
        }
    need(config.latent_dim >= 1 && config.n_conditions >= 0 && n_features >= 1, "latent_dim and n_features must be >= 1");
    need(config.batch_size >= 1 && config.n_critic >= 1 && config.n_threads >= 1,
         "batch_size, n_critic and n_threads must be >= 1");
    need(nets.generator.net->n_inputs() == config.latent_dim + config.n_conditions,
         "the generator must take latent_dim + n_conditions inputs");
    need(nets.generator.net->n_outputs() == n_features, "the generator must output one value per feature");
    need(nets.body.net->n_inputs() == n_features + config.n_conditions,
         "the discriminator must take n_features + n_conditions inputs");
    const bool discrimination = config.feature == BatchFeature::minibatch_discrimination;
    need(discrimination == nets.projection.present(), "mini-batch discrimination needs its projection, and only it");
    if (discrimination) {
        need(config.kernel_dim >= 1 && nets.projection.net->n_outputs() % config.kernel_dim == 0,
             "the projection must output n_kernels * kernel_dim values");
        need(nets.projection.net->n_inputs() == nets.body.net->n_outputs(), "the projection must take the body's outputs");
    }
    need(nets.head.net->n_inputs() == nets.body.net->n_outputs() + batch_feature_width(nets, config),
         "the head must take the body's outputs and the batch features");
    need(nets.head.net->n_outputs() == 1, "the head must output one logit");
    need(!config.spectral_norm || nets.spectral_u != nullptr, "spectral normalisation needs its u vectors");
    need(std::isfinite(config.weight_clip) && config.weight_clip >= 0, "weight_clip must be finite and >= 0");
}

template <class T>
GanEpochSummary gan_train_epoch(GanNetworks<T>& nets, const T* x, const T* conditions, index_t n,
                                index_t critic_phase, const GanConfig& config) {
    check_gan(nets, nets.generator.net->n_outputs(), config);
    if (n < 1) throw std::invalid_argument("no samples");
    if (config.n_conditions > 0 && conditions == nullptr) throw std::invalid_argument("the conditions are missing");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = nets.generator.net->n_outputs(), k = config.n_conditions, m = std::min(config.batch_size, n);
    const index_t n_batches = (n + m - 1) / m;

    Rng rng(config.seed);
    std::vector<index_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), index_t(0));
    for (index_t i = n - 1; i > 0; --i)
        std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<std::uint64_t>(i + 1))]);

    GanPasses<T> passes(nets, d, m, config);
    GanEpochSummary summary;
    summary.critic_phase = critic_phase % config.n_critic;
    double real_rows = 0.0;

#pragma omp parallel num_threads(gan_team_size(nets, m, config.n_threads))
    {
        const FlushDenormalsScope flush_denormals;
        const Team team = Team::current();
        std::int64_t d_steps = 0, g_steps = 0;
        index_t phase = summary.critic_phase;
        const index_t z = config.latent_dim, lw = passes.latent_width(), iw = passes.input_width();
        for (index_t b = 0; b < n_batches; ++b) {
            const index_t start = b * m, rows = std::min(m, n - start);
            barrier();  // the last step's updates are all written
            if (team.id == 0) {
                passes.refresh_spectral(true);
                T* g_in = passes.generator_input();
                for (index_t r = 0; r < rows; ++r) {
                    const index_t row = order[static_cast<size_t>(start + r)];
                    put_row(x, conditions, row, d, k, passes.discriminator_input() + r * iw);
                    fill_standard_normal(rng, g_in + r * lw, z);
                    if (k > 0) std::copy(conditions + row * k, conditions + (row + 1) * k, g_in + r * lw + z);
                }
            }
            barrier();
            const T* fake = passes.generate(rows, team);
            if (team.id == 0) passes.stage_generated(fake, rows, rows);
            barrier();
            const T* logits = passes.discriminate(2 * rows, rows, Mode::train, team);
            if (team.id == 0) {
                double real_correct = 0.0, fake_correct = 0.0;
                const double threshold = decision_threshold(config.loss, logits, rows);
                summary.discriminator_loss +=
                    judge(config.loss, Role::real, logits, rows, passes.logit_gradient(), threshold, real_correct) +
                    judge(config.loss, Role::fake, logits + rows, rows, passes.logit_gradient() + rows, threshold,
                          fake_correct);
                summary.real_accuracy += real_correct;
                summary.fake_accuracy += fake_correct;
                real_rows += static_cast<double>(rows);
            }
            barrier();
            passes.discriminator_backward(2 * rows, rows, false, team);
            if (team.id == 0) passes.spectral_gradients();
            barrier();
            for (LearningNetwork<T>* net : {&nets.body, &nets.projection, &nets.head}) {
                if (!net->present()) continue;
                optimizer_update(*net->net, net->params, net->grads, net->moments, net->step + d_steps,
                                 config.discriminator_optimizer, team);
                clip_owned(*net, config.weight_clip, team);
            }
            ++d_steps;
            if (++phase < config.n_critic) continue;
            phase = 0;

            // The generator's step: fresh latent rows, conditions of random real rows.
            barrier();
            if (team.id == 0) {
                passes.refresh_spectral(false);
                T* g_in = passes.generator_input();
                for (index_t r = 0; r < m; ++r) {
                    fill_standard_normal(rng, g_in + r * lw, z);
                    if (k > 0) {
                        const index_t row = static_cast<index_t>(rng.below(static_cast<std::uint64_t>(n)));
                        std::copy(conditions + row * k, conditions + (row + 1) * k, g_in + r * lw + z);
                    }
                }
            }
            barrier();
            const T* generated = passes.generate(m, team);
            if (team.id == 0) passes.stage_generated(generated, m, 0);
            barrier();
            const T* judged = passes.discriminate(m, m, Mode::train, team);
            if (team.id == 0) {
                double unused = 0.0;
                summary.generator_loss +=
                    judge(config.loss, Role::generator, judged, m, passes.logit_gradient(), 0.0, unused);
            }
            barrier();
            passes.discriminator_backward(m, m, true, team);
            if (team.id == 0) {
                T* grad_g = passes.generator_output_gradient();
                for (index_t r = 0; r < m; ++r)
                    std::copy(passes.input_gradient() + r * iw, passes.input_gradient() + r * iw + d, grad_g + r * d);
            }
            barrier();
            passes.generator_backward(m, team);
            optimizer_update(*nets.generator.net, nets.generator.params, nets.generator.grads, nets.generator.moments,
                             nets.generator.step + g_steps, config.generator_optimizer, team);
            ++g_steps;
        }
        barrier();
        if (team.id == 0) {
            for (LearningNetwork<T>* net : {&nets.body, &nets.projection, &nets.head})
                if (net->present()) net->step += d_steps;
            nets.generator.step += g_steps;
            summary.discriminator_steps = d_steps;
            summary.generator_steps = g_steps;
            summary.critic_phase = phase;
        }
    }
    if (summary.discriminator_steps > 0) summary.discriminator_loss /= static_cast<double>(summary.discriminator_steps);
    if (summary.generator_steps > 0) summary.generator_loss /= static_cast<double>(summary.generator_steps);
    summary.real_accuracy /= real_rows;
    summary.fake_accuracy /= real_rows;
    return summary;
}

template <class T>
void gan_discriminate(const GanNetworks<T>& nets_in, const T* x, const T* conditions, index_t n, const GanConfig& config,
                      T* logits) {
    GanNetworks<T> nets = nets_in;  // read only: nothing below writes params
    check_gan(nets, nets.generator.net->n_outputs(), config);
    if (n < 1) throw std::invalid_argument("no samples");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = nets.generator.net->n_outputs(), k = config.n_conditions, m = std::min(config.batch_size, n);
    GanPasses<T> passes(nets, d, m, config);
    passes.refresh_spectral(false);
    const FlushDenormalsScope flush_denormals;
    const Team team;
    for (index_t start = 0; start < n; start += m) {
        const index_t rows = std::min(m, n - start);
        for (index_t r = 0; r < rows; ++r)
            put_row(x, conditions, start + r, d, k, passes.discriminator_input() + r * passes.input_width());
        const T* out = passes.discriminate(rows, rows, Mode::infer, team);
        std::copy(out, out + rows, logits + start);
    }
}

template <class T>
double gan_loss_and_gradients(GanNetworks<T>& nets, const T* x, const T* conditions, const T* latent,
                              const T* latent_conditions, index_t n, const GanConfig& config, bool generator_side) {
    check_gan(nets, nets.generator.net->n_outputs(), config);
    if (n < 1) throw std::invalid_argument("no samples");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = nets.generator.net->n_outputs(), k = config.n_conditions, z = config.latent_dim;
    GanPasses<T> passes(nets, d, n, config);
    passes.refresh_spectral(false);
    const FlushDenormalsScope flush_denormals;
    const Team team;
    const index_t lw = passes.latent_width(), iw = passes.input_width();
    for (index_t r = 0; r < n; ++r) put_row(latent, latent_conditions, r, z, k, passes.generator_input() + r * lw);
    passes.stage_generated(passes.generate(n, team), n, generator_side ? 0 : n);
    if (!generator_side)
        for (index_t r = 0; r < n; ++r) put_row(x, conditions, r, d, k, passes.discriminator_input() + r * iw);
    double correct = 0.0;
    if (generator_side) {
        const T* logits = passes.discriminate(n, n, Mode::train, team);
        const double loss = judge(config.loss, Role::generator, logits, n, passes.logit_gradient(), 0.0, correct);
        passes.discriminator_backward(n, n, true, team);
        T* grad_g = passes.generator_output_gradient();
        for (index_t r = 0; r < n; ++r)
            std::copy(passes.input_gradient() + r * iw, passes.input_gradient() + r * iw + d, grad_g + r * d);
        passes.generator_backward(n, team);
        return loss;
    }
    const T* logits = passes.discriminate(2 * n, n, Mode::train, team);
    const double loss = judge(config.loss, Role::real, logits, n, passes.logit_gradient(), 0.0, correct) +
                        judge(config.loss, Role::fake, logits + n, n, passes.logit_gradient() + n, 0.0, correct);
    passes.discriminator_backward(2 * n, n, false, team);
    passes.spectral_gradients();
    return loss;
}

#define ZOO_INSTANTIATE(T)                                                                                          \
    template void check_gan<T>(const GanNetworks<T>&, index_t, const GanConfig&);                                   \
    template GanEpochSummary gan_train_epoch<T>(GanNetworks<T>&, const T*, const T*, index_t, index_t,             \
                                                const GanConfig&);                                                  \
    template void gan_discriminate<T>(const GanNetworks<T>&, const T*, const T*, index_t, const GanConfig&, T*);    \
    template double gan_loss_and_gradients<T>(GanNetworks<T>&, const T*, const T*, const T*, const T*, index_t,     \
                                              const GanConfig&, bool);
ZOO_INSTANTIATE(float)
ZOO_INSTANTIATE(double)
#undef ZOO_INSTANTIATE

}  // namespace zoo::nn
