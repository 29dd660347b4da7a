"""Encode many texts on several cores: the sentence encoder spread over a pool of processes.

Pure: strings in, `encoder.TokenVectors` out; no database. The workers never touch Django or
its connections (they are spawned, not forked, and import only `align.encoder`): the caller
stores what comes back. One process runs the encoder's forward pass on one core
(`encoder.BLAS_THREADS` is 1, which beat two BLAS threads on the project's 2-core machines),
so a story folder of hundreds of articles is encoded about `workers` times as fast by
`workers` processes, each loading the model once.

Contract of `encode_chunks(texts, workers)`:

- Yields `(chunk, vectors)` pairs, `chunk` a list of consecutive texts of `texts` and
  `vectors` their `TokenVectors` in the same order; the chunks come in order and together
  are exactly `texts`. Vectors are float16-rounded (what `encodings` stores) whichever
  process encoded them.
- Fewer than `POOL_MIN_TEXTS` texts, or `workers` <= 1, run in this process through
  `encoder.encode` (a process start and a model load cost about a second: one article's
  upload is not worth it).
- At most `IN_FLIGHT_PER_WORKER` chunks per worker are queued or unread at any moment, so
  memory stays bounded whatever the number of texts, if the caller stores each chunk as
  it comes.
- An encoder error in a worker (`EncoderUnavailable`) is raised here as it is; a worker
  that dies (killed, out of memory) raises `EncoderUnavailable` saying so. Chunks yielded
  before stay valid. Closing the generator early stops the pool.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from .align import encoder

CHUNK_TEXTS = 128  # texts per task: about a second of one core, small enough to balance two workers
POOL_MIN_TEXTS = 512  # below this a pool's start-up (about 1 s a process) costs more than it saves
IN_FLIGHT_PER_WORKER = 2  # chunks submitted ahead per worker: keeps every worker busy, memory bounded


def default_workers() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def processes_for(n_texts: int, workers: int, chunk_size: int = CHUNK_TEXTS) -> int:
    """How many processes `encode_chunks` encodes `n_texts` texts on, given `workers`: 1 means this one."""
    if workers <= 1 or n_texts < POOL_MIN_TEXTS:
        return 1
    return min(workers, -(-n_texts // chunk_size))  # no more workers than chunks


def _rounded(encoded: list[encoder.TokenVectors]) -> list[encoder.TokenVectors]:
    return [encoder.TokenVectors(tv.ids, tv.vectors.astype(np.float16).astype(np.float32)) for tv in encoded]


def _load_model() -> None:
    """Pool initializer: each worker loads and checks the weights once, before its first chunk."""
    encoder.default_model()


def _encode_in_worker(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(ids, float16 vectors) per text: float16 halves what goes back through the pipe, and is what is stored."""
    encoded = [(tv.ids, tv.vectors.astype(np.float16)) for tv in encoder.encode(texts)]
    # A worker meets each text once: the encoder's cache of recent texts (~100 MB when full) only costs memory.
    encoder.default_model().recent.clear()
    return encoded


def encode_chunks(texts: list[str], workers: int, chunk_size: int = CHUNK_TEXTS
                  ) -> Iterator[tuple[list[str], list[encoder.TokenVectors]]]:
    """Encode `texts` in order, chunk by chunk, on `workers` processes (see the module docstring)."""
    texts = list(texts)
    chunks = [texts[i:i + chunk_size] for i in range(0, len(texts), chunk_size)]
    workers = processes_for(len(texts), workers, chunk_size)
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _rounded(encoder.encode(chunk))
        return
    # spawn, not fork: a forked child would inherit the caller's database connections and threads.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model)
    pending: deque = deque()
    try:
        queue = iter(chunks)
        for chunk in queue:
            pending.append((chunk, pool.submit(_encode_in_worker, chunk)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while pending:
            chunk, future = pending.popleft()
            try:
                encoded = future.result()
            except BrokenProcessPool as e:
                raise encoder.EncoderUnavailable(f"an encoder process died before it finished ({e})") from None
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(_encode_in_worker, following)))
            yield chunk, [encoder.TokenVectors(ids, vectors.astype(np.float32)) for ids, vectors in encoded]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
