// Runtime facts and knobs shared by every family: threads, BLAS identity.
#include <omp.h>

#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"

namespace zoo::bindings {

void bind_runtime(py::module_& m) {
    m.def("omp_max_threads", [] { return omp_get_max_threads(); },
          "Threads OpenMP would use by default (the machine's cores).");
    m.def("blas_num_threads", [] { return scipy_openblas_get_num_threads(); });
    m.def("blas_config", [] { return std::string(scipy_openblas_get_config()); });
    m.def(
        "team_size", [](std::int64_t work, int n_threads) { return team_size(work, n_threads); }, py::arg("work"),
        py::arg("n_threads"),
        "Threads that work of `work` scalar operations is worth, at most n_threads: zoo's one rule for the size "
        "of every thread team (work too small to pay for waking a thread runs on the calling thread).");
    m.def(
        "min_work_per_thread", [] { return kMinWorkPerThread; },
        "Scalar operations a thread must have before waking it pays (team_size's unit).");
    m.def(
        "_threads_in_parallel_chunks",
        [](std::int64_t n_chunks, int n_threads) {
            std::atomic<int> widest{0};
            {
                py::gil_scoped_release release;
                parallel_chunks(n_chunks, n_threads, [&](std::int64_t, int) {
                    const int size = omp_get_num_threads();
                    int seen = widest.load();
                    while (size > seen && !widest.compare_exchange_weak(seen, size)) {
                    }
                });
            }
            return widest.load();
        },
        py::arg("n_chunks"), py::arg("n_threads"),
        "Test hook: the size of the team parallel_chunks ran its chunks on.");
    m.def(
        "_raise_inside_parallel_region",
        [](int n_threads, const std::string& kind) {
            py::gil_scoped_release release;
            parallel_chunks(64, n_threads, [&](std::int64_t chunk, int) {
                if (chunk != 37) return;
                if (kind == "invalid_argument") throw std::invalid_argument("raised in chunk 37 of a parallel region");
                if (kind == "out_of_range") throw std::out_of_range("raised in chunk 37 of a parallel region");
                if (kind == "bad_alloc") throw std::bad_alloc();
                throw std::runtime_error("raised in chunk 37 of a parallel region");
            });
        },
        py::arg("n_threads"), py::arg("kind"),
        "Test hook: proves that an exception thrown by an OpenMP worker reaches Python as the "
        "matching Python exception instead of terminating the process.");
}

}  // namespace zoo::bindings
