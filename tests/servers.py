"""Helpers for the real servers tests start beside the project's own (S3, PgBouncer): a free port, and waiting until
the server listens on it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time


def free_port() -> int:
    """A port nobody listens on (once the probe is closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, name: str) -> None:
    """Returns once the server accepts connections; RuntimeError with its error output if it stopped, or after 10 s."""
    for _ in range(200):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped: {process.stderr.read().decode() if process.stderr else ''}")
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not start listening on port {port}")
