"""Prepares the process for zoo._core: OpenMP's waiting policy, and
OpenBLAS from the scipy-openblas32 wheel made loadable.

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


def _bound_openmp_spinning():
    """zoo's thread teams meet at a barrier every few microseconds. GNU
    OpenMP lets a waiting thread spin 300,000 pause instructions (about 15 ms
    here) before it sleeps; when another process holds the core the partner
    needs, every barrier then costs a whole time slice, and a fit that takes
    a second alone took minutes beside one other busy process. 10,000 spins
    (about half a millisecond) still cover every barrier of a quiet machine.
    Read by libgomp when it loads, so set before zoo._core loads it; a
    user's own setting wins."""
    if "GOMP_SPINCOUNT" not in os.environ and "OMP_WAIT_POLICY" not in os.environ:
        os.environ["GOMP_SPINCOUNT"] = "10000"


_bound_openmp_spinning()
_preload_openblas()
