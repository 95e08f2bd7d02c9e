// Shared pybind11 glue: array argument types and shape checks.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "zoo/rng.hpp"
#include "zoo/sparse.hpp"

namespace zoo::bindings {

namespace py = pybind11;

// Inputs: converted to C-contiguous arrays of T when they are not already.
template <class T>
using In = py::array_t<T, py::array::c_style | py::array::forcecast>;
// Outputs written in place: no conversion allowed (a converted copy would
// swallow the write), so bind these with .noconvert().
template <class T>
using Out = py::array_t<T, py::array::c_style>;

// NumPy dtype equality. Not `a.is(b)`: a dtype read back from a pickle or
// another process is an equal but distinct object.
inline bool same_dtype(const py::dtype& a, const py::dtype& b) { return a.is(b) || a.attr("__eq__")(b).cast<bool>(); }

inline void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

// A literal message is not turned into a std::string unless it is thrown:
// checks run inside loops over every row (labels, weights), where building
// a string per row cost more than the kernel itself (60 ms per 2M labels).
inline void require(bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(message);
}

template <class A>
void require_shape(const A& a, const char* name, std::initializer_list<py::ssize_t> shape) {
    bool ok = a.ndim() == static_cast<py::ssize_t>(shape.size());
    py::ssize_t axis = 0;
    for (py::ssize_t expected : shape) {
        if (!ok) break;
        ok = expected < 0 || a.shape(axis) == expected;
        ++axis;
    }
    if (!ok) {
        std::string got = "(";
        for (py::ssize_t i = 0; i < a.ndim(); ++i) got += std::to_string(a.shape(i)) + (i + 1 < a.ndim() ? ", " : "");
        throw std::invalid_argument(std::string(name) + " has shape " + got + ")" +
                                    ", which does not match the other arguments");
    }
}

// An interrupt check for kernels running with the GIL released: takes the GIL
// for a moment and runs Python's signal handlers, so Ctrl-C (or any handler
// that raises) aborts the kernel with the Python exception.
inline std::function<void()> python_interrupt_check() {
    return [] {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    };
}

template <class A>
void require_writable(const A& a, const char* name) {
    if (!a.writeable()) throw std::invalid_argument(std::string(name) + " must be writable");
}

// A scipy.sparse CSR matrix as its three arrays (float64 data, int64
// indices and indptr) and its shape; checked before any kernel trusts it.
// The arrays must outlive the view.
inline sparse::CsrMatrix csr_view(const In<double>& data, const In<std::int64_t>& indices,
                                  const In<std::int64_t>& indptr, std::int64_t n_rows, std::int64_t n_cols) {
    require(n_rows >= 0 && n_cols >= 0, "a sparse matrix's shape must be non-negative");
    require_shape(indptr, "indptr", {static_cast<py::ssize_t>(n_rows + 1)});
    require(indices.size() == data.size(), "a sparse matrix needs as many column indices as values");
    const sparse::CsrMatrix x{indptr.data(), indices.data(), data.data(), n_rows, n_cols};
    sparse::check_csr(x);
    require(indptr.data()[n_rows] == static_cast<std::int64_t>(data.size()),
            "a sparse matrix's indptr must end at its number of stored values");
    return x;
}

// A learner's generator, loaded from its state array (four xoshiro256++
// words) and stored back when the scope ends -- also when the kernel throws,
// so that an exception from a Python environment leaves the learner whole.
class LearnerRng {
public:
    explicit LearnerRng(Out<std::uint64_t>& words)
        : rng(Rng::from_state(checked(words))), words_(words.mutable_data()) {}
    ~LearnerRng() { rng.store(words_); }
    LearnerRng(const LearnerRng&) = delete;
    LearnerRng& operator=(const LearnerRng&) = delete;

    Rng rng;

private:
    static const std::uint64_t* checked(const Out<std::uint64_t>& words) {
        require_shape(words, "rng state", {4});
        require_writable(words, "rng state");
        return words.data();
    }
    std::uint64_t* words_;
};

void bind_runtime(py::module_& m);
void bind_cluster(py::module_& m);
void bind_stats(py::module_& m);
void bind_nn(py::module_& m);
// bind_envs registers the Env base class, so it runs before bind_toy_text.
void bind_envs(py::module_& m);
void bind_toy_text(py::module_& m);
// The RL learners: the views their kernels take, then one file per learner family.
void bind_env_copies(py::module_& m);
void bind_network_state(py::module_& m);
void bind_dqn(py::module_& m);
void bind_gan(py::module_& m);
void bind_policy_gradient(py::module_& m);
void bind_q_learning(py::module_& m);
// Supervised classics: one file each, so each family's glue stays small.
void bind_linear(py::module_& m);
void bind_logistic(py::module_& m);
void bind_tree(py::module_& m);
void bind_svm(py::module_& m);
// Unsupervised: PCA and DBSCAN.
void bind_decomposition(py::module_& m);
void bind_dbscan(py::module_& m);
void bind_sparse(py::module_& m);
// Image augmentation kernels (zoo.augment).
void bind_augment(py::module_& m);
// Exact k nearest neighbours (zoo.imbalance's SMOTE).
void bind_neighbors(py::module_& m);

}  // namespace zoo::bindings
