// pybind11 glue for support vector machines.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_svm(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
