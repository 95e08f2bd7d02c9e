"""zoo on Dask with a data set larger than this machine's memory.

The data are generated chunk by chunk by Dask inside the workers and never
held at once: ``--gigabytes`` of float32 (default 40) as rows of 20
features, 8 Gaussian blobs, in chunks of 500,000 rows (40 MB). Two worker
processes with one thread each and a memory limit each; after each fit,
every worker's peak resident memory (ru_maxrss) is read and reported.

    python -m bench.dask_beyond_memory                    # 40 GB
    python -m bench.dask_beyond_memory --gigabytes 4      # a shorter run

LinearRegression takes one pass over the data. KMeans starts from given
centres and runs ``--kmeans-iterations`` Lloyd iterations (one pass each,
regenerating every chunk, as reading it from disk would).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np

N_FEATURES = 20
CHUNK_ROWS = 500_000
N_CLUSTERS = 8


def peak_rss_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kilobytes on Linux


def blob_chunk(block_info=None):
    """Rows of chunk i, generated from its own seed (the same every pass)."""
    index = block_info[None]["chunk-location"][0]
    rng = np.random.default_rng([0, index])
    centers = np.random.default_rng(0).normal(scale=4.0, size=(N_CLUSTERS, N_FEATURES))
    rows = block_info[None]["chunk-shape"][0]
    X = centers[rng.integers(0, N_CLUSTERS, rows)] + rng.standard_normal((rows, N_FEATURES))
    return X.astype(np.float32)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=40.0)
    parser.add_argument("--memory-limit", default="3GB", help="per worker (default 3GB)")
    parser.add_argument("--kmeans-iterations", type=int, default=3)
    args = parser.parse_args(argv)

    import dask.array as da
    from distributed import Client, LocalCluster

    import zoo

    n_rows = int(args.gigabytes * 1e9 / (4 * N_FEATURES)) // CHUNK_ROWS * CHUNK_ROWS
    with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=args.memory_limit, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        X = da.map_blocks(blob_chunk, dtype=np.float32,
                          chunks=((CHUNK_ROWS,) * (n_rows // CHUNK_ROWS), (N_FEATURES,)))
        coef = np.linspace(-1.0, 1.0, N_FEATURES).astype(np.float32)
        y = X @ coef + 1.0
        print(f"{n_rows:,} x {N_FEATURES} float32 = {X.nbytes / 1e9:.1f} GB in {X.numblocks[0]} chunks; "
              f"2 workers, memory limit {args.memory_limit} each; this machine's memory: "
              f"{_machine_memory_gb():.0f} GB", flush=True)

        started = time.perf_counter()
        linear = zoo.LinearRegression().fit(X, y)
        seconds = time.perf_counter() - started
        print(f"LinearRegression: {seconds:.0f} s, max |coef - true| {np.abs(linear.coef_ - coef).max():.2e}, "
              f"worker peak RSS {_worker_peaks(client)} GB", flush=True)

        init = np.random.default_rng(0).normal(scale=4.0, size=(N_CLUSTERS, N_FEATURES))
        init += np.random.default_rng(1).normal(scale=0.5, size=init.shape)
        started = time.perf_counter()
        kmeans = zoo.KMeans(N_CLUSTERS, init=init.astype(np.float32), n_init=1,
                            max_iter=args.kmeans_iterations).fit(X)
        seconds = time.perf_counter() - started
        print(f"KMeans ({args.kmeans_iterations} Lloyd iterations from given centres): {seconds:.0f} s, "
              f"inertia per row {kmeans.inertia_ / n_rows:.3f} (20 for perfect blobs of unit variance), "
              f"worker peak RSS {_worker_peaks(client)} GB; client peak RSS {peak_rss_gb():.2f} GB", flush=True)
    return 0


def _worker_peaks(client):
    return sorted(round(value, 2) for value in client.run(peak_rss_gb).values())


def _machine_memory_gb():
    with open("/proc/meminfo") as info:
        return int(info.readline().split()[1]) / 1e6


if __name__ == "__main__":
    sys.exit(main())
