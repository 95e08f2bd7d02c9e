// zoo._core: the one extension module. Each family registers its functions
// from bind_<family>.cpp; this file only wires them up and maps exceptions.
#include <pybind11/pybind11.h>

#include <new>
#include <stdexcept>

#include "bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
    m.doc() = "zoo's C++ kernels (private; use the estimators in zoo)";
    m.attr("__version__") = ZOO_VERSION;

    // pybind11 already maps invalid_argument -> ValueError, out_of_range ->
    // IndexError and bad_alloc -> MemoryError; keep that promise explicit.
    py::register_exception_translator([](std::exception_ptr error) {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const std::invalid_argument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const std::out_of_range& e) {
            PyErr_SetString(PyExc_IndexError, e.what());
        } catch (const std::bad_alloc&) {
            PyErr_SetString(PyExc_MemoryError, "zoo: out of memory");
        }
    });

    zoo::bindings::bind_runtime(m);
    zoo::bindings::bind_cluster(m);
    zoo::bindings::bind_stats(m);
    zoo::bindings::bind_nn(m);
    zoo::bindings::bind_envs(m);
    zoo::bindings::bind_toy_text(m);
    zoo::bindings::bind_env_copies(m);
    zoo::bindings::bind_network_state(m);
    zoo::bindings::bind_dqn(m);
    zoo::bindings::bind_gan(m);
    zoo::bindings::bind_policy_gradient(m);
    zoo::bindings::bind_q_learning(m);
    zoo::bindings::bind_linear(m);
    zoo::bindings::bind_logistic(m);
    zoo::bindings::bind_tree(m);
    zoo::bindings::bind_svm(m);
    zoo::bindings::bind_decomposition(m);
    zoo::bindings::bind_dbscan(m);
    zoo::bindings::bind_sparse(m);
    zoo::bindings::bind_augment(m);
    zoo::bindings::bind_neighbors(m);
}
