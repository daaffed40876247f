"""The worker process's resources, built once from the configuration on first use (never at import)."""

from __future__ import annotations

import functools

from fieldtasks.config import load_config
from fieldtasks.resources import Resources, build_resources


@functools.cache
def job_resources() -> Resources:
    """What jobs use: built in the worker before it forks (see `warm_up`), inherited by each work horse."""
    return build_resources(load_config())
