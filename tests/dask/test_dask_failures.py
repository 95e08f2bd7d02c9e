"""A worker that dies during a Dask fit: Dask's retry survives it, or the fit
ends in a clear error; it never hangs."""

import os
import threading

import numpy as np
import pytest

import zoo

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 4))
    return X, X @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=600)


def _dying_chunks(X, flag_dir, deaths):
    """X in 4 chunks whose second chunk kills the worker computing it, the
    first `deaths` times it is computed (counted in files, across processes)."""

    def load(block, block_info=None):
        if block_info[0]["chunk-location"][0] == 1:
            done = len(os.listdir(flag_dir))
            if done < deaths:
                open(os.path.join(flag_dir, f"death-{done}"), "w").close()
                os._exit(1)  # the worker process dies mid-task
        return block

    return da.from_array(X, chunks=(150, -1)).map_blocks(load, dtype=X.dtype)


def _fit_with_deadline(model, *args, seconds=120):
    outcome = {}

    def run():
        try:
            outcome["model"] = model.fit(*args)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the fit hung for {seconds} s after a worker died"
    return outcome


def test_a_worker_killed_once_is_survived_by_dask_retrying(dask_client, tmp_path):
    X, y = _data()
    outcome = _fit_with_deadline(zoo.LinearRegression(), _dying_chunks(X, tmp_path, deaths=1),
                                 da.from_array(y, chunks=150))
    assert "error" not in outcome, outcome.get("error")
    assert len(os.listdir(tmp_path)) == 1  # the worker did die once
    np.testing.assert_allclose(outcome["model"].coef_, zoo.LinearRegression().fit(X, y).coef_, rtol=1e-10)


def test_a_chunk_that_always_kills_its_worker_ends_in_a_clear_error(dask_client, tmp_path):
    X, y = _data()
    model = zoo.LinearRegression().fit(X, y)
    before = model.coef_.copy()
    outcome = _fit_with_deadline(model, _dying_chunks(X, tmp_path, deaths=100), da.from_array(y, chunks=150))
    assert isinstance(outcome.get("error"), distributed.scheduler.KilledWorker), outcome
    np.testing.assert_array_equal(model.coef_, before)  # the failed fit left the fitted model as it was
    dask_client.wait_for_workers(2, timeout=60)  # the nannies restart the workers for the tests after this one
