// pybind11 glue for the GAN kernels (zoo/gan.hpp). The generator and the
// discriminator's body, projection (or None) and head arrive as
// NetworkState views (network_state.hpp), in float32 or float64.
#include <string>

#include "bindings.hpp"
#include "network_state.hpp"
#include "zoo/gan.hpp"

namespace zoo::bindings {

namespace {

using nn::index_t;

struct GanStates {
    NetworkState* generator;
    NetworkState* body;
    NetworkState* projection;  // null without mini-batch discrimination
    NetworkState* head;
    py::object spectral_u;
};

// A network the call trains (`learning`), or only reads.
template <class T>
nn::LearningNetwork<T> gan_network_of(NetworkState* state, const nn::OptimizerConfig& optimizer, bool learning) {
    nn::LearningNetwork<T> out;
    if (state == nullptr) return out;
    out.net = &state->network();
    out.step = state->step;
    if (learning) {
        const auto trainable = state->trainable<T>(optimizer);
        out.params = trainable.params;
        out.grads = trainable.grads;
        out.moments = trainable.moments;
    } else {
        out.params = const_cast<T*>(state->values<T>());  // the read-only kernels never write it
    }
    return out;
}

template <class T>
nn::GanNetworks<T> gan_networks_of(const GanStates& states, const nn::GanConfig& config, bool learning) {
    nn::GanNetworks<T> nets;
    nets.generator = gan_network_of<T>(states.generator, config.generator_optimizer, learning);
    nets.body = gan_network_of<T>(states.body, config.discriminator_optimizer, learning);
    nets.projection = gan_network_of<T>(states.projection, config.discriminator_optimizer, learning);
    nets.head = gan_network_of<T>(states.head, config.discriminator_optimizer, learning);
    if (!states.spectral_u.is_none()) {
        require(py::isinstance<py::array_t<T>>(states.spectral_u), "spectral_u must be an array of the networks' dtype");
        auto u = py::reinterpret_borrow<py::array_t<T>>(states.spectral_u);
        index_t expected = 0;
        for (const nn::Network* net : {nets.body.net, nets.head.net})
            for (const nn::Layer& layer : net->layers) expected += layer.n_out;
        require(u.ndim() == 1 && u.shape(0) == expected && (u.flags() & py::array::c_style) != 0,
                "spectral_u must hold one value per output of every discriminator layer (" + std::to_string(expected) +
                    ")");
        require_writable(u, "spectral_u");
        nets.spectral_u = u.mutable_data();
    }
    return nets;
}

template <class T>
void gan_store_steps(const GanStates& states, const nn::GanNetworks<T>& nets) {
    states.generator->step = nets.generator.step;
    states.body->step = nets.body.step;
    if (states.projection != nullptr) states.projection->step = nets.projection.step;
    states.head->step = nets.head.step;
}

// X (n x n_features) and its conditions (n x n_conditions, or None).
template <class T>
const T* gan_rows(const In<T>& x, const py::object& conditions, In<T>& held, index_t n_features,
                  const nn::GanConfig& config, const char* name) {
    require(x.ndim() == 2 && x.shape(1) == n_features && x.shape(0) >= 1,
            std::string(name) + " must have shape (n_samples >= 1, " + std::to_string(n_features) + ")");
    if (config.n_conditions == 0) {
        require(conditions.is_none(), "conditions given to an unconditional GAN");
        return nullptr;
    }
    require(!conditions.is_none(), "a conditional GAN needs its conditions");
    held = In<T>::ensure(conditions);
    require(held && held.ndim() == 2 && held.shape(0) == x.shape(0) && held.shape(1) == config.n_conditions,
            "conditions must have shape (n_samples, n_conditions)");
    return held.data();
}

template <class T>
py::dict gan_train_epoch_as(const GanStates& states, const py::array& X, const py::object& conditions,
                            index_t critic_phase, const nn::GanConfig& config) {
    nn::GanNetworks<T> nets = gan_networks_of<T>(states, config, true);
    In<T> x = In<T>::ensure(X), held;
    const T* c = gan_rows(x, conditions, held, nets.generator.net->n_outputs(), config, "X");
    nn::GanEpochSummary s;
    {
        py::gil_scoped_release release;
        s = nn::gan_train_epoch(nets, x.data(), c, static_cast<index_t>(x.shape(0)), critic_phase, config);
    }
    gan_store_steps(states, nets);
    py::dict out;
    out["discriminator_loss"] = s.discriminator_loss;
    out["generator_loss"] = s.generator_loss;
    out["real_accuracy"] = s.real_accuracy;
    out["fake_accuracy"] = s.fake_accuracy;
    out["discriminator_steps"] = s.discriminator_steps;
    out["generator_steps"] = s.generator_steps;
    out["critic_phase"] = s.critic_phase;
    return out;
}

template <class T>
py::array gan_discriminate_as(const GanStates& states, const py::array& X, const py::object& conditions,
                              const nn::GanConfig& config) {
    const nn::GanNetworks<T> nets = gan_networks_of<T>(states, config, false);
    In<T> x = In<T>::ensure(X), held;
    const T* c = gan_rows(x, conditions, held, nets.generator.net->n_outputs(), config, "X");
    py::array_t<T> logits(x.shape(0));
    T* out = logits.mutable_data();
    py::gil_scoped_release release;
    nn::gan_discriminate(nets, x.data(), c, static_cast<index_t>(x.shape(0)), config, out);
    return logits;
}

template <class T>
double gan_loss_and_gradients_as(const GanStates& states, const py::array& X, const py::object& conditions,
                                 const py::array& latent, const py::object& latent_conditions,
                                 const nn::GanConfig& config, bool generator_side) {
    nn::GanNetworks<T> nets = gan_networks_of<T>(states, config, true);
    In<T> x = In<T>::ensure(X), z = In<T>::ensure(latent), held_x, held_z;
    const T* cx = gan_rows(x, conditions, held_x, nets.generator.net->n_outputs(), config, "X");
    const T* cz = gan_rows(z, latent_conditions, held_z, config.latent_dim, config, "latent");
    require(z.shape(0) == x.shape(0), "latent must have one row per row of X");
    py::gil_scoped_release release;
    return nn::gan_loss_and_gradients(nets, x.data(), cx, z.data(), cz, static_cast<index_t>(x.shape(0)), config,
                                      generator_side);
}

// Dispatches on the networks' dtype.
template <class Call>
auto gan_dispatch(const GanStates& states, Call&& call) {
    if (states.generator->holds<float>()) return call(float{});
    return call(double{});
}

}  // namespace

void bind_gan(py::module_& m) {
    py::enum_<nn::GanLoss>(m, "GanLoss")
        .value("minimax", nn::GanLoss::minimax)
        .value("non_saturating", nn::GanLoss::non_saturating)
        .value("least_squares", nn::GanLoss::least_squares)
        .value("hinge", nn::GanLoss::hinge)
        .value("wasserstein", nn::GanLoss::wasserstein);
    py::enum_<nn::BatchFeature>(m, "BatchFeature")
        .value("none", nn::BatchFeature::none)
        .value("minibatch_std", nn::BatchFeature::minibatch_std)
        .value("minibatch_discrimination", nn::BatchFeature::minibatch_discrimination);
    py::class_<nn::GanConfig>(m, "GanConfig")
        .def(py::init<>())
        .def_readwrite("loss", &nn::GanConfig::loss)
        .def_readwrite("feature", &nn::GanConfig::feature)
        .def_readwrite("kernel_dim", &nn::GanConfig::kernel_dim)
        .def_readwrite("spectral_norm", &nn::GanConfig::spectral_norm)
        .def_readwrite("weight_clip", &nn::GanConfig::weight_clip)
        .def_readwrite("n_critic", &nn::GanConfig::n_critic)
        .def_readwrite("batch_size", &nn::GanConfig::batch_size)
        .def_readwrite("latent_dim", &nn::GanConfig::latent_dim)
        .def_readwrite("n_conditions", &nn::GanConfig::n_conditions)
        .def_readwrite("generator_optimizer", &nn::GanConfig::generator_optimizer)
        .def_readwrite("discriminator_optimizer", &nn::GanConfig::discriminator_optimizer)
        .def_readwrite("seed", &nn::GanConfig::seed)
        .def_readwrite("n_threads", &nn::GanConfig::n_threads);

    m.def(
        "gan_train_epoch",
        [](NetworkState& generator, NetworkState& body, NetworkState* projection, NetworkState& head,
           py::object spectral_u, py::array X, py::object conditions, index_t critic_phase,
           const nn::GanConfig& config) {
            const GanStates states{&generator, &body, projection, &head, std::move(spectral_u)};
            return gan_dispatch(states, [&](auto t) {
                return gan_train_epoch_as<decltype(t)>(states, X, conditions, critic_phase, config);
            });
        },
        py::arg("generator"), py::arg("body"), py::arg("projection").none(true), py::arg("head"),
        py::arg("spectral_u").none(true), py::arg("X"), py::arg("conditions").none(true), py::arg("critic_phase"),
        py::arg("config"),
        "One GAN epoch over X; returns the epoch's losses, accuracies and step counts (the states' steps advance).");

    m.def(
        "gan_discriminate",
        [](NetworkState& generator, NetworkState& body, NetworkState* projection, NetworkState& head,
           py::object spectral_u, py::array X, py::object conditions, const nn::GanConfig& config) {
            const GanStates states{&generator, &body, projection, &head, std::move(spectral_u)};
            return gan_dispatch(states, [&](auto t) { return gan_discriminate_as<decltype(t)>(states, X, conditions, config); });
        },
        py::arg("generator"), py::arg("body"), py::arg("projection").none(true), py::arg("head"),
        py::arg("spectral_u").none(true), py::arg("X"), py::arg("conditions").none(true), py::arg("config"),
        "The discriminator's logits, rows taken in batches of config.batch_size.");

    m.def(
        "gan_loss_and_gradients",
        [](NetworkState& generator, NetworkState& body, NetworkState* projection, NetworkState& head,
           py::object spectral_u, py::array X, py::object conditions, py::array latent, py::object latent_conditions,
           const nn::GanConfig& config, bool generator_side) {
            const GanStates states{&generator, &body, projection, &head, std::move(spectral_u)};
            return gan_dispatch(states, [&](auto t) {
                return gan_loss_and_gradients_as<decltype(t)>(states, X, conditions, latent, latent_conditions, config,
                                                              generator_side);
            });
        },
        py::arg("generator"), py::arg("body"), py::arg("projection").none(true), py::arg("head"),
        py::arg("spectral_u").none(true), py::arg("X"), py::arg("conditions").none(true), py::arg("latent"),
        py::arg("latent_conditions").none(true), py::arg("config"), py::arg("generator_side"),
        "One step's loss and gradients (into the states' grads) without an update: the discriminator's, or with "
        "generator_side the generator's.");
}

}  // namespace zoo::bindings
