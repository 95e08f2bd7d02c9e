#!/usr/bin/env bash
# One run on a machine with an NVIDIA GPU: build zoo with its CUDA kernels
# (ZOO_CUDA=ON fails loudly without a compiler), run the GPU tests and the
# GPU benchmark, and leave the logs and the table in $OUT (default
# ./gpu-check). Run from the repository root. WHEELS names a folder of
# wheels to install first (the GPU machine may have no package index):
# numpy, gymnasium, pybind11, scikit-build-core, scipy-openblas32, pytest.
set -euo pipefail
out=${OUT:-gpu-check}
mkdir -p "$out"
if [[ -n "${WHEELS:-}" ]]; then
  python -m pip install -q --no-index --find-links "$WHEELS" numpy gymnasium pybind11 scikit-build-core \
    scipy-openblas32 pytest
fi
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
python -m pip install --no-build-isolation --no-deps -C cmake.define.ZOO_CUDA=ON . > "$out/build.log" 2>&1
python -c "import zoo.cuda as c; print('devices', c.device_count(), c.unavailable_reason())" | tee "$out/devices.txt"
python -m pytest tests/cuda -q -rs 2>&1 | tee "$out/tests.txt"
python -m zoo bench --only cuda --repeats 3 --output "$out/results.md" 2>&1 | tail -5
