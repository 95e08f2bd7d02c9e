// Generative adversarial networks (Goodfellow et al. 2014): a generator and
// a discriminator trained against each other, one epoch per call, with the
// usual remedies for mode collapse built into the loop:
//
//   losses       minimax and non-saturating (Goodfellow et al. 2014), least
//                squares (Mao et al. 2017), hinge (Lim & Ye 2017; Miyato et
//                al. 2018), Wasserstein (Arjovsky et al. 2017)
//   n_critic     discriminator steps per generator step, and separate
//                optimizers and learning rates (two time-scale updates,
//                Heusel et al. 2017)
//   batch        mini-batch discrimination (Salimans et al. 2016) or the
//   features     mini-batch standard deviation (Karras et al. 2018): the
//                discriminator sees statistics of the whole batch, so a
//                generator that collapses to one mode is easy to tell apart
//   spectral     every discriminator weight divided by its largest singular
//   norm         value, estimated by one power iteration per step (Miyato et
//                al. 2018); weight clipping is WGAN's original constraint
//
// The discriminator is three networks: `body` (its hidden layers), an
// optional `projection` (mini-batch discrimination's tensor T, a dense layer
// without bias from the body's A features to B kernels of C values each) and
// `head` (one layer from [body features, batch features] to one logit). Real
// and generated rows go through the body together; batch features are
// computed over each half on its own, as they would be for two batches.
// Every array belongs to the caller; nothing is kept between calls.
#pragma once

#include <cstdint>

#include "zoo/nn.hpp"

namespace zoo::nn {

enum class GanLoss : int { minimax = 0, non_saturating, least_squares, hinge, wasserstein };
enum class BatchFeature : int { none = 0, minibatch_std, minibatch_discrimination };

// One network's learning state, as the GAN kernels write it.
template <class T>
struct LearningNetwork {
    const Network* net = nullptr;  // null: absent (the projection without mini-batch discrimination)
    T* params = nullptr;
    T* grads = nullptr;
    T* moments = nullptr;          // the optimizer's slots x n_params
    std::int64_t step = 0;         // optimizer steps taken; advanced here
    bool present() const { return net != nullptr; }
};

template <class T>
struct GanNetworks {
    LearningNetwork<T> generator, body, projection, head;
    // With spectral normalisation: one left singular vector estimate per
    // normalised layer (the body's layers, then the head's), concatenated.
    T* spectral_u = nullptr;
};

struct GanConfig {
    GanLoss loss = GanLoss::non_saturating;
    BatchFeature feature = BatchFeature::none;
    index_t kernel_dim = 5;        // C, mini-batch discrimination's values per kernel
    bool spectral_norm = false;
    double weight_clip = 0.0;      // 0: off; else the discriminator's values are clipped to [-c, c] after each step
    index_t n_critic = 1;
    index_t batch_size = 64;
    index_t latent_dim = 2;
    index_t n_conditions = 0;      // one-hot condition columns (a conditional GAN), appended to both networks' inputs
    OptimizerConfig generator_optimizer, discriminator_optimizer;
    std::uint64_t seed = 0;        // shuffling and latent draws of this call
    int n_threads = 1;
};

struct GanEpochSummary {
    double discriminator_loss = 0.0;  // mean over discriminator steps of (real rows' mean + generated rows' mean)
    double generator_loss = 0.0;      // mean over generator steps
    double real_accuracy = 0.0;       // share of real rows the discriminator called real (logit above 0; least
    double fake_accuracy = 0.0;       // squares 0.5; Wasserstein the batch's mean) and of generated ones it did not
    std::int64_t discriminator_steps = 0;
    std::int64_t generator_steps = 0;
    index_t critic_phase = 0;         // discriminator steps since the last generator step, for the next call
};

// Checks the networks against each other and the configuration; throws
// std::invalid_argument naming what does not fit. `n_features` is the data's.
template <class T>
void check_gan(const GanNetworks<T>& nets, index_t n_features, const GanConfig& config);

// One epoch over the n rows of x (with their one-hot `conditions`, n x
// n_conditions, or null): shuffled mini-batches, each one discriminator
// step against as many generated rows, and a generator step after every
// n_critic discriminator steps (counting on from `critic_phase`).
template <class T>
GanEpochSummary gan_train_epoch(GanNetworks<T>& nets, const T* x, const T* conditions, index_t n,
                                index_t critic_phase, const GanConfig& config);

// The discriminator's logits for n rows taken as one batch (batch features
// over these rows), with the current spectral estimates; changes nothing.
template <class T>
void gan_discriminate(const GanNetworks<T>& nets, const T* x, const T* conditions, index_t n, const GanConfig& config,
                      T* logits);

// One step's loss and gradients without an update, for gradient checks and
// monitoring: the discriminator's loss on real rows x against G(latent)
// (into body, projection and head grads) or, with `generator_side`, the
// generator's loss on G(latent) (into the generator's grads). Spectral
// estimates are used as they are (no power iteration), so the gradients
// are exact for sigma(W) = |W^T u|. `latent` holds n rows of latent_dim;
// `latent_conditions` their conditions (or null).
template <class T>
double gan_loss_and_gradients(GanNetworks<T>& nets, const T* x, const T* conditions, const T* latent,
                              const T* latent_conditions, index_t n, const GanConfig& config, bool generator_side);

}  // namespace zoo::nn
