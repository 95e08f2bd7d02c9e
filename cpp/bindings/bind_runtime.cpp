// Runtime facts and knobs shared by every family: threads, BLAS identity.
#include <omp.h>

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
        "_raise_inside_parallel_region",
        [](int n_threads) {
            py::gil_scoped_release release;
            parallel_chunks(64, n_threads, [](std::int64_t chunk, int) {
                if (chunk == 37) throw std::out_of_range("raised in chunk 37 of a parallel region");
            });
        },
        "Test hook: proves an exception thrown by an OpenMP worker reaches Python.");
}

}  // namespace zoo::bindings
