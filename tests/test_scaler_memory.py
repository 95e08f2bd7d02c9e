"""The scalers' statistics on wide data take scratch memory of the order of
threads x columns, not rows x columns.

Before, StandardScaler kept one partial (mean, M2) per row block, and a block
is a single row from 32,768 columns on: 16 bytes per input value, four times
a float32 input; MinMaxScaler kept a minimum and a maximum per block. Peak
memory is read from ru_maxrss in a fresh interpreter, where the input is the
only large allocation.
"""

import json
import subprocess
import sys
import textwrap

import pytest

N_SAMPLES, N_FEATURES = 1500, 40_000  # wide enough for one-row blocks; 240 MB of float32

_SCRIPT = textwrap.dedent(
    f"""
    import json, resource
    import numpy as np
    from zoo.preprocessing import MinMaxScaler, StandardScaler

    def peak_bytes():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB

    X = np.random.default_rng(0).standard_normal(({N_SAMPLES}, {N_FEATURES}), dtype=np.float32)
    X[:, ::2] += 50.0
    scaler_class = {{"standard": StandardScaler, "minmax": MinMaxScaler}}[__import__("sys").argv[1]]
    before = peak_bytes()
    scaler = scaler_class(n_jobs=2).fit(X)
    extra = peak_bytes() - before
    columns = np.arange(0, {N_FEATURES}, 997)
    sample = X[:, columns].astype(np.float64)
    if isinstance(scaler, StandardScaler):
        stats = [scaler.mean_[columns].tolist(), scaler.var_[columns].tolist(),
                 sample.mean(axis=0).tolist(), sample.var(axis=0).tolist()]
    else:
        stats = [scaler.data_min_[columns].tolist(), scaler.data_max_[columns].tolist(),
                 sample.min(axis=0).tolist(), sample.max(axis=0).tolist()]
    print(json.dumps({{"input": X.nbytes, "extra": extra, "stats": stats}}))
    """
)


@pytest.mark.parametrize("scaler", ["standard", "minmax"])
def test_scaler_fit_on_wide_data_needs_little_memory_beyond_its_input(scaler):
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, scaler], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["extra"] < 0.25 * report["input"], (
        f"fit raised peak memory by {report['extra'] / 2**20:.0f} MiB "
        f"on a {report['input'] / 2**20:.0f} MiB input"
    )
    fitted_a, fitted_b, numpy_a, numpy_b = report["stats"]
    assert fitted_a == pytest.approx(numpy_a, rel=1e-9, abs=1e-9)
    assert fitted_b == pytest.approx(numpy_b, rel=1e-9, abs=1e-9)
