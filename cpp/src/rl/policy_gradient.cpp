// Policy-gradient learning steps, action sampling and return estimates.
//
// Williams, "Simple statistical gradient-following algorithms for
// connectionist reinforcement learning", Machine Learning 8 (1992): the
// gradient of the expected return is E[A grad log pi(a|s)]. Mnih et al.,
// "Asynchronous Methods for Deep Reinforcement Learning", ICML 2016: an
// actor and a critic trained together on n-step advantages, with an entropy
// bonus. Schulman et al., "High-Dimensional Continuous Control Using
// Generalized Advantage Estimation", ICLR 2016.
//
// One update runs in one OpenMP parallel region: the team runs the forward
// passes (network.hpp), then each member writes d L / d outputs for its
// share of the rows, the team backpropagates, clips by global norm and each
// member updates the parameters it owns. Batch-wide sums (advantage
// statistics, the log_std gradient, the reported losses, the gradient
// norms) are taken by one member in row order.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "policy_gradient_detail.hpp"
#include "zoo/blas.hpp"
#include "zoo/denormals.hpp"
#include "zoo/nn_passes.hpp"

namespace zoo::rl::pg {

namespace {

using nn::Team;
using nn::Workspace;

// Rows of a batch per team member: below this a member's share of the
// small policy networks' products costs less than the barriers it needs.
constexpr index_t kRowsPerMember = 1024;

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log sqrt(2 pi)

inline void barrier() {
#pragma omp barrier
}

// log_std as a layer with no inputs, only a bias: the engine's optimizer
// then updates it like any other bias (and never weight-decays it).
nn::Network bias_only_network(index_t size) {
    nn::Layer layer;
    layer.n_in = 0;
    layer.n_out = size;
    nn::Network net;
    net.layers.push_back(layer);
    net.n_params = size;
    return net;
}

struct RowTerms {
    double log_prob;
    double entropy;
};

// Categorical policy pi = softmax(z). With log pi = z - logsumexp(z) and
// H = -sum pi log pi, the row's share of L = -A log pi_a - c H has
//   d/dz_j = A (pi_j - [j = a]) + c pi_j (log pi_j + H),
// scaled by 1/n for the batch mean.
template <class T>
RowTerms categorical_row(const T* logits, index_t k, std::int64_t action, double advantage, double ent_coef,
                         double inv_n, T* grad) {
    // Stable log-softmax: subtract the largest logit before exponentiating.
    const double top = static_cast<double>(*std::max_element(logits, logits + k));
    double sum = 0.0;
    for (index_t j = 0; j < k; ++j) sum += std::exp(static_cast<double>(logits[j]) - top);
    const double log_normaliser = top + std::log(sum);
    double entropy = 0.0;
    for (index_t j = 0; j < k; ++j) {
        const double log_p = static_cast<double>(logits[j]) - log_normaliser;
        entropy -= std::exp(log_p) * log_p;
    }
    for (index_t j = 0; j < k; ++j) {
        const double log_p = static_cast<double>(logits[j]) - log_normaliser;
        const double p = std::exp(log_p);
        const double chosen = j == action ? 1.0 : 0.0;
        grad[j] = static_cast<T>(inv_n * (advantage * (p - chosen) + ent_coef * p * (log_p + entropy)));
    }
    return {static_cast<double>(logits[action]) - log_normaliser, entropy};
}

// Diagonal Gaussian policy N(mu(s), exp(log_std)^2). With z = (a - mu) /
// sigma, log pi = sum_i -z_i^2 / 2 - log_std_i - log sqrt(2 pi), so the
// row's share of -A log pi has d/dmu_i = -A z_i / sigma_i and
// d/dlog_std_i = -A (z_i^2 - 1); the entropy does not depend on the state.
template <class T>
RowTerms gaussian_row(const T* mean, const T* log_std, const T* action, index_t dim, double advantage, double inv_n,
                      T* grad_mean, double* grad_log_std) {
    double log_prob = 0.0, entropy = 0.0;
    for (index_t i = 0; i < dim; ++i) {
        const double s = static_cast<double>(log_std[i]);
        const double inv_sigma = std::exp(-s);
        const double z = (static_cast<double>(action[i]) - static_cast<double>(mean[i])) * inv_sigma;
        log_prob += -0.5 * z * z - s - kHalfLog2Pi;
        entropy += 0.5 + kHalfLog2Pi + s;
        grad_mean[i] = static_cast<T>(-inv_n * advantage * z * inv_sigma);
        grad_log_std[i] = -inv_n * advantage * (z * z - 1.0);
    }
    return {log_prob, entropy};
}

}  // namespace

template <class T>
void check_policy(const Policy<T>& policy, const PgConfig& config) {
    if (policy.actor == nullptr) throw std::invalid_argument("the policy needs an actor network");
    policy.actor->validate();
    const index_t heads = config.action_dim + (config.critic_kind == CriticKind::shared ? 1 : 0);
    if (config.action_dim < 1) throw std::invalid_argument("action_dim must be >= 1");
    if (config.action_kind == ActionKind::categorical && config.action_dim < 2)
        throw std::invalid_argument("a categorical policy needs at least 2 actions");
    if (policy.actor->n_outputs() != heads)
        throw std::invalid_argument("the actor needs " + std::to_string(heads) + " outputs, has " +
                                    std::to_string(policy.actor->n_outputs()));
    if (policy.actor->n_buffers != 0) throw std::invalid_argument("policy networks take no batch norm");
    if ((config.action_kind == ActionKind::gaussian) != (policy.log_std.params != nullptr))
        throw std::invalid_argument("log_std is needed by (and only by) a Gaussian policy");
    if (config.critic_kind == CriticKind::separate) {
        if (policy.critic == nullptr) throw std::invalid_argument("a separate critic needs its network");
        policy.critic->validate();
        if (policy.critic->n_outputs() != 1 || policy.critic->n_inputs() != policy.actor->n_inputs() ||
            policy.critic->n_buffers != 0)
            throw std::invalid_argument("the critic must map the actor's inputs to one value");
    } else if (policy.critic != nullptr) {
        throw std::invalid_argument("a critic network is given, but critic_kind is not separate");
    }
    if (config.baseline_advantage && config.critic_kind == CriticKind::none)
        throw std::invalid_argument("baseline advantages need a critic");
    if (config.n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    if (!(config.max_grad_norm >= 0)) throw std::invalid_argument("max_grad_norm must be >= 0");
}

// ---------------------------------------------------------------------------
// The learner: one gradient step on a batch, by a team of threads.

namespace {

// The policy, once checked: the members below are sized from it.
template <class T>
const Policy<T>& checked(const Policy<T>& policy, const PgConfig& config) {
    check_policy(policy, config);
    return policy;
}

}  // namespace

template <class T>
Learner<T>::Learner(const Policy<T>& policy, const PgConfig& config, index_t max_rows)
    : policy_(checked(policy, config)), config_(config), max_rows_(max_rows),
      log_std_net_(bias_only_network(config.action_dim)),
      actor_ws_(std::make_unique<Workspace<T>>(*policy.actor, max_rows)),
      critic_ws_(policy.critic ? std::make_unique<Workspace<T>>(*policy.critic, max_rows) : nullptr),
      advantages_(static_cast<size_t>(max_rows)), row_loss_(static_cast<size_t>(max_rows)),
      row_entropy_(row_loss_.size()), row_value_error_(row_loss_.size()),
      row_log_std_grad_(config.action_kind == ActionKind::gaussian ? static_cast<size_t>(max_rows * config.action_dim)
                                                                     : 0) {}

template <class T>
Learner<T>::~Learner() = default;

template <class T>
UpdateStats Learner<T>::run(const Batch<T>& batch, std::int64_t step, bool apply) {
    if (batch.n < 1) throw std::invalid_argument("an update needs at least one sample");
    if (batch.n > max_rows_) throw std::invalid_argument("the batch is larger than the learner's workspace");
    blas::SingleThreadedScope single_threaded_blas;
    // Small batches are faster on one thread than with a team's barriers.
    // (The team size can change the last bits of a result: BLAS may sum a
    // member's narrower product in another order.)
    const int team_size =
        static_cast<int>(std::clamp<index_t>((batch.n + kRowsPerMember - 1) / kRowsPerMember, 1, config_.n_threads));
#pragma omp parallel num_threads(team_size)
    {
        const FlushDenormalsScope flush_denormals;
        pass(batch, step, apply, Team::current());
    }
    return stats_;
}

// Member 0 only: the advantages the policy gradient weighs log pi by.
template <class T>
void Learner<T>::prepare_advantages(const Batch<T>& batch, const T* values, index_t value_stride) {
    const index_t n = batch.n;
    T* a = advantages_.data();
    // REINFORCE with a baseline: A_t = G_t - V(s_t), the value treated as a constant.
    if (config_.baseline_advantage)
        for (index_t r = 0; r < n; ++r) a[r] = batch.returns[r] - values[r * value_stride];
    else
        std::copy_n(batch.advantages, n, a);
    // Optional normalisation to zero mean, unit (unbiased) standard deviation, as Stable-Baselines3.
    if (config_.normalize_advantage && n > 1) {
        double mean = 0.0;
        for (index_t r = 0; r < n; ++r) mean += static_cast<double>(a[r]);
        mean /= static_cast<double>(n);
        double squares = 0.0;
        for (index_t r = 0; r < n; ++r) {
            const double centred = static_cast<double>(a[r]) - mean;
            squares += centred * centred;
        }
        const double scale = 1.0 / (std::sqrt(squares / static_cast<double>(n - 1)) + 1e-8);
        for (index_t r = 0; r < n; ++r) a[r] = static_cast<T>((static_cast<double>(a[r]) - mean) * scale);
    }
}

template <class T>
void Learner<T>::pass(const Batch<T>& batch, std::int64_t step, bool apply, const Team& team) {
    const Policy<T>& p = policy_;
    const index_t n = batch.n, dim = config_.action_dim, k = p.actor->n_outputs();
    const bool gaussian = config_.action_kind == ActionKind::gaussian;
    const double inv_n = 1.0 / static_cast<double>(n);
    nn::ForwardOptions train;
    train.mode = nn::Mode::train;

    // The policy head pi(.|s) (and V(s) when the trunk is shared), and a separate critic's V(s).
    const T* outputs = nn::forward(*p.actor, batch.observations, n, p.actor_state.params,
                                           static_cast<const T*>(nullptr), *actor_ws_, train, team);
    const T* values = nullptr;
    index_t value_stride = 1;
    if (config_.critic_kind == CriticKind::separate) {
        values = nn::forward(*p.critic, batch.observations, n, p.critic_state.params, static_cast<const T*>(nullptr),
                                     *critic_ws_, train, team);
    } else if (config_.critic_kind == CriticKind::shared) {
        values = outputs + dim;
        value_stride = k;
    }
    if (team.id == 0) prepare_advantages(batch, values, value_stride);
    barrier();

    // d L / d outputs, row by row over this member's rows.
    const auto [r0, r1] = team.share(n);
    T* grad_actor = actor_ws_->grad_out.data();
    for (index_t r = r0; r < r1; ++r) {
        const double advantage = static_cast<double>(advantages_[static_cast<size_t>(r)]);
        T* grad = grad_actor + r * k;
        RowTerms terms;
        if (gaussian)
            terms = gaussian_row(outputs + r * k, p.log_std.params, batch.continuous_actions + r * dim, dim, advantage,
                                 inv_n, grad, row_log_std_grad_.data() + r * dim);
        else
            terms = categorical_row(outputs + r * k, dim, batch.discrete_actions[r], advantage, config_.ent_coef, inv_n,
                                    grad);
        row_loss_[static_cast<size_t>(r)] = -advantage * terms.log_prob;
        row_entropy_[static_cast<size_t>(r)] = terms.entropy;
        if (values != nullptr) {
            // The critic's share: vf_coef (V(s) - G)^2, d/dV = 2 vf_coef (V - G).
            const double error = static_cast<double>(values[r * value_stride]) - static_cast<double>(batch.returns[r]);
            row_value_error_[static_cast<size_t>(r)] = error * error;
            const T grad_value = static_cast<T>(2.0 * config_.vf_coef * error * inv_n);
            if (config_.critic_kind == CriticKind::shared)
                grad[dim] = grad_value;
            else
                critic_ws_->grad_out[static_cast<size_t>(r)] = grad_value;
        }
    }
    barrier();

    if (team.id == 0) {
        // Batch means in row order; the Gaussian's log_std gradient gathers
        // every row's share, plus the entropy bonus's d(-c H)/d log_std = -c.
        UpdateStats stats;
        for (index_t r = 0; r < n; ++r) {
            stats.policy_loss += row_loss_[static_cast<size_t>(r)];
            stats.entropy += row_entropy_[static_cast<size_t>(r)];
            if (values != nullptr) stats.value_loss += row_value_error_[static_cast<size_t>(r)];
        }
        stats.policy_loss *= inv_n;
        stats.entropy *= inv_n;
        stats.value_loss *= inv_n;
        stats_ = stats;
        if (gaussian)
            for (index_t i = 0; i < dim; ++i) {
                double total = -config_.ent_coef;
                for (index_t r = 0; r < n; ++r) total += row_log_std_grad_[static_cast<size_t>(r * dim + i)];
                p.log_std.grads[i] = static_cast<T>(total);
            }
    }

    // Backpropagation through the engine (each pass ends with a barrier).
    nn::backward(*p.actor, batch.observations, n, p.actor_state.params, p.actor_state.grads, *actor_ws_, team);
    if (config_.critic_kind == CriticKind::separate)
        nn::backward(*p.critic, batch.observations, n, p.critic_state.params, p.critic_state.grads,
                             *critic_ws_, team);
    clip_and_update(step, apply, team);
}

// Clipping by global norm (Pascanu et al. 2013), over the actor, log_std
// and critic together (A2C) or over the policy and the value apart
// (REINFORCE, whose two networks learn at their own rates), then the
// optimizer step. Member 0 takes the norms in parameter order (so they do
// not depend on the team's size); each member scales and updates the
// pieces it owns.
template <class T>
void Learner<T>::clip_and_update(std::int64_t step, bool apply, const Team& team) {
    const Policy<T>& p = policy_;
    const bool gaussian = config_.action_kind == ActionKind::gaussian;
    const bool separate = config_.critic_kind == CriticKind::separate;
    if (team.id == 0) {
        const auto squares = [](const T* g, index_t n) {
            double sum = 0.0;
            for (index_t i = 0; i < n; ++i) sum += static_cast<double>(g[i]) * static_cast<double>(g[i]);
            return sum;
        };
        norms_[0] = squares(p.actor_state.grads, p.actor->n_params) +
                    (gaussian ? squares(p.log_std.grads, config_.action_dim) : 0.0);
        norms_[1] = separate ? squares(p.critic_state.grads, p.critic->n_params) : 0.0;
        stats_.grad_norm = std::sqrt(norms_[0] + norms_[1]);
    }
    if (!apply) return;
    barrier();
    const double policy_total = norms_[0], value_total = norms_[1];

    double policy_scale = 1.0, value_scale = 1.0;
    const double limit = config_.max_grad_norm;
    if (limit > 0) {
        const auto scale_for = [limit](double squares) {
            const double norm = std::sqrt(squares);
            return norm > limit ? limit / norm : 1.0;
        };
        if (config_.clip_jointly) {
            policy_scale = value_scale = scale_for(policy_total + value_total);
        } else {
            policy_scale = scale_for(policy_total);
            value_scale = scale_for(value_total);
        }
    }
    const auto scale_owned = [&](const nn::Network& net, T* grads, double scale) {
        if (scale == 1.0) return;
        const T factor = static_cast<T>(scale);
        nn::for_each_owned_piece(net, team, [&](index_t offset, index_t length, bool) {
            for (index_t i = 0; i < length; ++i) grads[offset + i] *= factor;
        });
    };
    scale_owned(*p.actor, p.actor_state.grads, policy_scale);
    nn::optimizer_update(*p.actor, p.actor_state.params, p.actor_state.grads, p.actor_state.moments, step,
                                 config_.actor_optimizer, team);
    if (separate) {
        scale_owned(*p.critic, p.critic_state.grads, value_scale);
        nn::optimizer_update(*p.critic, p.critic_state.params, p.critic_state.grads, p.critic_state.moments,
                                     step, config_.critic_optimizer, team);
    }
    if (gaussian && team.id == 0) {
        for (index_t i = 0; i < config_.action_dim; ++i) p.log_std.grads[i] *= static_cast<T>(policy_scale);
        nn::optimizer_update(log_std_net_, p.log_std.params, p.log_std.grads, p.log_std.moments, step,
                                     config_.actor_optimizer, Team{});
    }
}

template class Learner<float>;
template class Learner<double>;

// ---------------------------------------------------------------------------
// Acting.

Sampler::Sampler(const Policy<float>& policy, const PgConfig& config, index_t max_rows)
    : policy_(checked(policy, config)), config_(config), max_rows_(max_rows),
      actor_ws_(std::make_unique<Workspace<float>>(*policy.actor, max_rows)),
      critic_ws_(policy.critic ? std::make_unique<Workspace<float>>(*policy.critic, max_rows) : nullptr),
      probabilities_(static_cast<size_t>(config.action_dim)) {}

Sampler::~Sampler() = default;

const float* Sampler::forward_values(const float* observations, index_t n, const float* actor_outputs) {
    const nn::ForwardOptions infer;
    if (config_.critic_kind == CriticKind::separate)
        return nn::forward(*policy_.critic, observations, n, policy_.critic_state.params,
                                   static_cast<const float*>(nullptr), *critic_ws_, infer, Team{});
    if (actor_outputs == nullptr)
        actor_outputs = nn::forward(*policy_.actor, observations, n, policy_.actor_state.params,
                                            static_cast<const float*>(nullptr), *actor_ws_, infer, Team{});
    return actor_outputs + config_.action_dim;  // a shared trunk: V(s) follows the head, row stride n_outputs
}

void Sampler::values(const float* observations, index_t n, float* out) {
    if (config_.critic_kind == CriticKind::none) throw std::invalid_argument("values need a critic");
    if (n > max_rows_) throw std::invalid_argument("more observations than the sampler's workspace");
    const float* v = forward_values(observations, n, nullptr);
    const index_t stride = config_.critic_kind == CriticKind::shared ? policy_.actor->n_outputs() : 1;
    for (index_t r = 0; r < n; ++r) out[r] = v[r * stride];
}

void Sampler::act(const float* observations, index_t n, bool deterministic, Rng& rng, std::int64_t* discrete_actions,
                  float* continuous_actions, float* values) {
    if (n > max_rows_) throw std::invalid_argument("more observations than the sampler's workspace");
    const nn::ForwardOptions infer;
    const float* outputs = nn::forward(*policy_.actor, observations, n, policy_.actor_state.params,
                                               static_cast<const float*>(nullptr), *actor_ws_, infer, Team{});
    const index_t k = policy_.actor->n_outputs(), dim = config_.action_dim;
    for (index_t r = 0; r < n; ++r) {
        const float* head = outputs + r * k;
        if (config_.action_kind == ActionKind::categorical) {
            const index_t best = static_cast<index_t>(std::max_element(head, head + dim) - head);
            if (deterministic) {
                discrete_actions[r] = best;
                continue;
            }
            // Inverse-CDF draw from softmax(z), computed relative to the largest logit.
            double total = 0.0;
            for (index_t j = 0; j < dim; ++j) {
                probabilities_[static_cast<size_t>(j)] = std::exp(static_cast<double>(head[j]) - head[best]);
                total += probabilities_[static_cast<size_t>(j)];
            }
            double u = rng.uniform() * total;
            index_t chosen = dim - 1;
            for (index_t j = 0; j < dim; ++j) {
                u -= probabilities_[static_cast<size_t>(j)];
                if (u < 0) {
                    chosen = j;
                    break;
                }
            }
            discrete_actions[r] = chosen;
        } else {
            // a = mu + sigma eps with eps ~ N(0, 1) by Box-Muller.
            for (index_t i = 0; i < dim; ++i) {
                double a = head[i];
                if (!deterministic) {
                    const double u1 = rng.uniform(), u2 = rng.uniform();
                    const double eps = std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
                    a += std::exp(static_cast<double>(policy_.log_std.params[i])) * eps;
                }
                continuous_actions[r * dim + i] = static_cast<float>(a);
            }
        }
    }
    if (values != nullptr) {
        const float* v = forward_values(observations, n, outputs);
        const index_t stride = config_.critic_kind == CriticKind::shared ? k : 1;
        for (index_t r = 0; r < n; ++r) values[r] = v[r * stride];
    }
}

// ---------------------------------------------------------------------------
// Public entry points.

template <class T>
UpdateStats gradients(const Policy<T>& policy, const PgConfig& config, const Batch<T>& batch) {
    Learner<T> learner(policy, config, batch.n);
    return learner.run(batch, 0, false);
}

template <class T>
UpdateStats update(const Policy<T>& policy, const PgConfig& config, const Batch<T>& batch, std::int64_t step) {
    Learner<T> learner(policy, config, batch.n);
    return learner.run(batch, step, true);
}

void act(const Policy<float>& policy, const PgConfig& config, const float* observations, index_t n,
         bool deterministic, Rng& rng, std::int64_t* discrete_actions, float* continuous_actions, float* values) {
    if (n < 1) return;
    if (values != nullptr && config.critic_kind == CriticKind::none)
        throw std::invalid_argument("values need a critic");
    blas::SingleThreadedScope single_threaded_blas;
    const FlushDenormalsScope flush_denormals;
    Sampler sampler(policy, config, n);
    sampler.act(observations, n, deterministic, rng, discrete_actions, continuous_actions, values);
}

template <class T>
void discounted_returns(const T* rewards, const T* episode_ends, index_t n, double gamma, T* returns) {
    // Backwards through time: G_t = r_t + gamma G_{t+1}, restarting at each episode's last step.
    double g = 0.0;
    for (index_t t = n; t-- > 0;) {
        if (episode_ends[t] != T(0)) g = 0.0;
        g = static_cast<double>(rewards[t]) + gamma * g;
        returns[t] = static_cast<T>(g);
    }
}

template <class T>
void gae(const T* rewards, const T* values, const T* episode_starts, const T* last_values, const T* last_dones,
         index_t n_steps, index_t n_envs, double gamma, double lambda, T* advantages, T* returns) {
    for (index_t e = 0; e < n_envs; ++e) {
        double running = 0.0;
        for (index_t t = n_steps; t-- > 0;) {
            const index_t i = t * n_envs + e;
            // The step after t, unless the episode ended at t (then s_{t+1} starts a new one).
            const bool last = t == n_steps - 1;
            const double next_live = 1.0 - static_cast<double>(last ? last_dones[e] : episode_starts[i + n_envs]);
            const double next_value = static_cast<double>(last ? last_values[e] : values[i + n_envs]);
            // TD error delta_t = r_t + gamma V(s_{t+1}) - V(s_t) ...
            const double delta = static_cast<double>(rewards[i]) + gamma * next_value * next_live - values[i];
            // ... and A_t = delta_t + gamma lambda A_{t+1}, cut at episode ends.
            running = delta + gamma * lambda * next_live * running;
            advantages[i] = static_cast<T>(running);
            returns[i] = static_cast<T>(running + static_cast<double>(values[i]));
        }
    }
}

#define ZOO_PG_INSTANTIATE(T)                                                                                      \
    template void check_policy<T>(const Policy<T>&, const PgConfig&);                                            \
    template UpdateStats gradients<T>(const Policy<T>&, const PgConfig&, const Batch<T>&);                        \
    template UpdateStats update<T>(const Policy<T>&, const PgConfig&, const Batch<T>&, std::int64_t);             \
    template void discounted_returns<T>(const T*, const T*, index_t, double, T*);                                 \
    template void gae<T>(const T*, const T*, const T*, const T*, const T*, index_t, index_t, double, double, T*, T*);
ZOO_PG_INSTANTIATE(float)
ZOO_PG_INSTANTIATE(double)
#undef ZOO_PG_INSTANTIATE

}  // namespace zoo::rl::pg
