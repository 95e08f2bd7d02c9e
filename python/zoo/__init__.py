"""zoo: machine learning on a C++/OpenBLAS core behind one fit/predict API."""
from zoo import _runtime  # noqa: F401  (loads OpenBLAS before the C++ core)
from zoo._core import __version__
