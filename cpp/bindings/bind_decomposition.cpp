// pybind11 glue for principal component analysis.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_decomposition(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
