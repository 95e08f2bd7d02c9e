// pybind11 glue for logistic regression.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_logistic(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
