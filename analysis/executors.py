"""Where the per-document stage of a build runs: this machine's cores, or a Dask cluster.

``minzheng build`` processes new documents in a local process pool. With
``--executor dask`` it starts a Dask ``LocalCluster`` (one single-threaded worker process
per core, the dashboard on a free port); with ``--executor dask=tcp://host:8786`` it joins a
running cluster whose workers have this package installed. Either way the build gets a
``concurrent.futures`` executor (``client.get_executor()``), and everything after the
per-document stage happens here, as in a local build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor

from analysis.errors import UserError

__all__ = ["EXECUTORS", "executor"]

#: The names ``--executor`` takes (``dask`` may carry ``=ADDRESS``).
EXECUTORS = ("local", "dask")


@contextlib.contextmanager
def executor(spec: str | None, workers: int | None = None) -> Iterator[Executor | None]:
    """The executor named by ``spec``: None for ``local`` (the build's own process pool), a
    Dask executor for ``dask`` or ``dask=ADDRESS``, closed on exit.

    Raises:
        UserError: an unknown name, Dask not installed, or a cluster that cannot be reached.
    """
    name, _, address = (spec or "local").partition("=")
    if name == "local" and not address:
        yield None
        return
    if name != "dask":
        raise UserError(f"unknown executor {spec!r}: use local, dask or dask=ADDRESS (tcp://host:8786)")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("--executor dask needs Dask's distributed scheduler: pip install -e '.[cluster]'") from None
    with contextlib.ExitStack() as stack:
        if address:
            try:
                client = stack.enter_context(Client(address, timeout="10s"))
            except (OSError, TimeoutError) as exc:
                raise UserError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        else:
            cluster = stack.enter_context(
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            )
            client = stack.enter_context(Client(cluster))
        yield client.get_executor()
