"""Makes OpenBLAS from the scipy-openblas32 wheel loadable for zoo._core.

The extension carries an RPATH to ``../scipy_openblas32/lib``, which is enough
when both packages sit in the same site-packages. When they do not (a user
site, a virtual environment layered on a system one), loading the library by
its full path first lets the dynamic loader reuse it for the extension.
"""
import ctypes
import os

import scipy_openblas32


def _preload_openblas():
    path = os.path.join(scipy_openblas32.get_lib_dir(), scipy_openblas32.get_library(fullname=True))
    ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


_preload_openblas()
