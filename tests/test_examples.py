"""Each script in examples/ runs with --quick and writes real PNG pictures.

The scripts are run as a user would run them (a subprocess, from another
working directory, with --out pointing at a temporary folder). Each PNG is
checked for the PNG signature and header, a sensible size, and pixels that
are not all one colour (matplotlib decodes it). Skipped only when
matplotlib is not installed.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Every script and the pictures it must write; a new script must be listed here.
EXPECTED = {
    "augmentation.py": ["augmentation_images.png", "augmentation_series.png"],
    "clusters.py": ["clusters.png"],
    "continual_learning.py": ["continual_learning.png"],
    "gan.py": ["gan.png"],
    "learning_curves.py": ["learning_curve_sizes.png", "learning_curves.png"],
    "pca_projection.py": ["pca_projection.png"],
    "rl_returns.py": ["rl_returns.png"],
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def scripts():
    return sorted(path.name for path in EXAMPLES.glob("*.py") if not path.name.startswith("_"))


def test_every_script_is_listed():
    assert scripts() == sorted(EXPECTED)


def check_png(path: Path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG file"
    # The first chunk is IHDR: length 13, then width and height.
    length, kind, width, height = struct.unpack(">I4sII", data[8:24])
    assert (length, kind) == (13, b"IHDR"), f"{path.name}: no IHDR header"
    assert width >= 300 and height >= 200, f"{path.name} is only {width}x{height}"
    assert len(data) > 10_000, f"{path.name} is only {len(data)} bytes"
    image = pytest.importorskip("matplotlib.image").imread(path)
    assert image.shape[:2] == (height, width)
    assert image.std() > 0.01, f"{path.name} is blank"


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_writes_its_pictures(script, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "pictures"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--quick", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    written = sorted(path.name for path in out.glob("*.png"))
    assert written == sorted(EXPECTED[script]), f"{script} wrote {written}"
    for name in written:
        check_png(out / name)


def test_default_output_folder_is_ignored_by_git():
    ignore = (EXAMPLES / ".gitignore").read_text(encoding="utf-8").split()
    assert "output/" in ignore
