"""Prepares the process for zoo._core: OpenMP's waiting policy, and
OpenBLAS from the scipy-openblas32 wheel made loadable.

The extension carries an RPATH to ``../scipy_openblas32/lib``, which is enough
when both packages sit in the same site-packages. When they do not (a user
site, a virtual environment layered on a system one), loading the library by
its full path first lets the dynamic loader reuse it for the extension.
"""
import ctypes
import importlib
import os

import scipy_openblas32


def _preload_openblas():
    path = os.path.join(scipy_openblas32.get_lib_dir(), scipy_openblas32.get_library(fullname=True))
    ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


def _load_core_with_bounded_spinning():
    """Loads zoo._core (and with it libgomp) under a bounded OpenMP spin.

    zoo's thread teams meet at a barrier every few microseconds. GNU OpenMP
    lets a waiting thread spin 300,000 pause instructions (about 15 ms here)
    before it sleeps; when another process holds the core the partner needs,
    every barrier then costs a whole time slice, and a fit that takes a
    second alone took minutes beside one other busy process. 10,000 spins
    (about half a millisecond) still cover every barrier of a quiet machine.
    libgomp reads the setting once, when it loads; the variable is removed
    again afterwards so that libraries loading their own OpenMP runtime later
    (PyTorch, scikit-learn) keep their defaults. A user's own setting wins."""
    chosen_here = "GOMP_SPINCOUNT" not in os.environ and "OMP_WAIT_POLICY" not in os.environ
    if chosen_here:
        os.environ["GOMP_SPINCOUNT"] = "10000"
    try:
        importlib.import_module("zoo._core")
    finally:
        if chosen_here:
            del os.environ["GOMP_SPINCOUNT"]


_preload_openblas()
_load_core_with_bounded_spinning()
