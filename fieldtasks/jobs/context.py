"""The worker process's resources, built once from the configuration on first use (never at import)."""

from __future__ import annotations

import functools

from fieldtasks.config import load_config
from fieldtasks.resources import Resources, build_resources

_override: list[Resources] = []


@functools.cache
def _built() -> Resources:
    return build_resources(load_config())


def job_resources() -> Resources:
    """What a job uses: the test's resources when a test installed them, else the process's own."""
    return _override[-1] if _override else _built()


def use_resources(resources: Resources | None) -> None:
    """Make jobs of this process use `resources` (None: go back to the configured ones)."""
    _override.clear()
    if resources is not None:
        _override.append(resources)
