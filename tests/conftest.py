"""Suite-wide set-up."""

import signal

import pytest


@pytest.fixture(autouse=True, scope="session")
def python_handles_ctrl_c():
    """Give the suite Python's own SIGINT handler even when it was started
    with SIGINT ignored, as a shell does for a background job (`cmd &`).
    Python then installs no KeyboardInterrupt handler, and the tests of
    Ctrl-C during a fit, in this process and in the children it starts
    (which would inherit the ignored disposition), could not pass."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, previous)
