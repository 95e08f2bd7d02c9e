"""What every example script shares: matplotlib writing files only (no
window, so the scripts also run on servers and in tests), and the command
line `[--out DIR] [--quick]`.

Import it before anything else imports matplotlib.pyplot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["parse_args", "plt"]


def parse_args(description):
    """The options every script takes: where to write its PNGs, and --quick."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output",
                        help="folder for the PNG files (default: examples/output)")
    parser.add_argument("--quick", action="store_true", help="tiny budgets, for tests")
    return parser.parse_args()
