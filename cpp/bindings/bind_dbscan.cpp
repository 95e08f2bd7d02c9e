// pybind11 glue for DBSCAN clustering.
#include "bindings.hpp"

namespace zoo::bindings {

void bind_dbscan(py::module_& m) { (void)m; }

}  // namespace zoo::bindings
