// pybind11 glue for decision trees.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_tree(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
