"""Where a sweep runs: this process, a local process pool, or a Dask distributed cluster.

Dask is an optional extra (`pip install 'accelsim[dask]'`); its client's `get_executor()` is a
`concurrent.futures.Executor`, so the sweep code is the same for every choice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from accelsim.errors import AccelsimError

LOCAL = "local"
"""`--dask local`: start a LocalCluster on this machine."""

MAX_JOBS = 256

CONNECT_TIMEOUT_S = 20
"""How long to wait for a Dask scheduler to answer."""


def default_jobs() -> int:
    return os.cpu_count() or 1


@contextmanager
def executor_for(jobs: int | None, dask: str | None) -> Iterator[Executor | None]:
    """The executor `--jobs` and `--dask` ask for (None: this process), closed on exit.

    `jobs` is the process pool's size, or the LocalCluster's worker count with `--dask local`
    (default: the CPU count); with a remote scheduler the cluster decides."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise AccelsimError(f"--jobs must be a positive integer, got {jobs!r}")
    if jobs is not None and jobs > MAX_JOBS:
        raise AccelsimError(f"--jobs {jobs} exceeds the limit of {MAX_JOBS} processes")
    if dask is None:
        if jobs is None or jobs == 1:
            yield None
            return
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool
        return
    with _dask_client(dask, jobs) as client:
        yield client.get_executor()


@contextmanager
def _dask_client(address: str, jobs: int | None) -> Iterator[object]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise AccelsimError(
            "--dask needs Dask distributed, an optional extra: pip install 'accelsim[dask]'"
        ) from None
    if not isinstance(address, str) or not address.strip():
        raise AccelsimError("--dask needs a scheduler address (tcp://HOST:PORT) or 'local'")
    if address == LOCAL:
        workers = jobs or default_jobs()
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    if jobs is not None:
        raise AccelsimError(
            "--jobs sizes a local pool or --dask local; a remote cluster has its own"
        )
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise AccelsimError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    try:
        yield client
    finally:
        client.close()
