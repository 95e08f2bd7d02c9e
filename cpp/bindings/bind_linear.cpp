// pybind11 glue for least squares, ridge, lasso and elastic net.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_linear(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
