"""A 2-worker distributed.LocalCluster shared by the Dask tests (started
once: a cluster takes seconds to start)."""

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.array")


@pytest.fixture(scope="session")
def dask_client():
    """A Client on 2 worker processes of one thread each, the active scheduler while a test uses it."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client
