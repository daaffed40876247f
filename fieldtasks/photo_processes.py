"""Preparing uploaded photos in child processes, so that decoding a 16 MP photo never holds the API process.

Decoding, hashing and re-encoding a large photo is seconds of CPU, much of it holding the interpreter's lock: in a
threaded API worker, every other request (a health probe, a phone's next claim) waited behind it. Children do
that work; a request thread only waits for its answer. The pool is small, so it also bounds how many photos are
decoded at once (and the memory it takes); more uploads queue for it.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from fieldtasks.images import ImageError, PreparedPhoto, prepare_photo

PREPARE_TIMEOUT_S = 120


class PhotoProcesses:
    """`prepare(data, blurred=...)` runs `images.prepare_photo` in a child process (in-line with `processes=0`)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def prepare(self, data: bytes, *, blurred: bool = False) -> PreparedPhoto:
        if not self.processes:
            return prepare_photo(data, blurred=blurred)
        pool = self._started()
        try:
            return pool.submit(prepare_photo, data, blurred=blurred).result(timeout=PREPARE_TIMEOUT_S)
        except (BrokenProcessPool, FutureTimeout):  # the child died on this photo (memory) or never finished
            self._restart(pool)
            raise ImageError("unreadable_image", "This photo could not be decoded; take it again.") from None

    def _started(self) -> ProcessPoolExecutor:
        """Started on first use, in the process that uses it (a gunicorn worker, after its fork)."""
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")  # never fork a threaded process
                self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
            return self._pool

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)
