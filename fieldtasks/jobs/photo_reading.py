"""The photo extraction job: read one photo with no transaction open, record it, settle its task."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from redis.exceptions import RedisError
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import OperationalError

from fieldtasks.jobs.context import job_resources
from fieldtasks.jobs.webhooks import deliver_after_commit
from fieldtasks.ocr import Hints, UnreadablePhotoError, extract, scene_text
from fieldtasks.ocr.extract import engine_versions
from fieldtasks.ocr.stored import to_json
from fieldtasks.resources import Resources
from fieldtasks.services import extraction, verification
from fieldtasks.storage import StorageUnavailableError

log = logging.getLogger("fieldtasks.jobs")

# Worth another run (RQ's retries, then the sweeper's): the storage, the database or Redis may be back, memory
# free, the machine less busy. Anything else is a bug, or a photo that breaks a reader: another run would fail
# the same way, so the photo goes to a moderator at once, its error logged with its traceback.
TRANSIENT = (OSError, MemoryError, StorageUnavailableError, OperationalError, RedisError, JobTimeoutException)


def warm_up() -> None:
    """Run in the worker before it forks: each work horse inherits the resources (not yet connected),
    the engine versions and the neural reader instead of building them per job."""
    job_resources()
    engine_versions()
    scene_text.engine()  # the neural reader's networks: loaded once, shared by every work horse


def extract_photo(photo_id: str, generation: int) -> str:
    """RQ job: read one photo and settle its item; safe to run twice, or after a newer generation."""
    return run_extraction(job_resources(), uuid.UUID(photo_id), generation)


def run_extraction(res: Resources, photo_id: uuid.UUID, generation: int) -> str:
    """Claim (short transaction), read (no transaction open), record and settle (short transaction)."""
    timeout = timedelta(seconds=res.config.extraction_timeout_s)
    with res.database.unit_of_work() as session:
        claimed = extraction.claim_extraction(session, photo_id, generation, now=res.clock(), timeout=timeout)
    if claimed is None:
        return "skipped"
    hints = Hints(
        gtins=claimed.gtins,
        vehicle_codes=claimed.vehicle_codes,
        currency=claimed.currency,
        prices=claimed.read_prices,
        whole_shelf=claimed.whole_shelf,
        net_quantity=claimed.net_quantity,
        net_unit=claimed.net_unit,
        typed_price_cents=claimed.typed_price_cents,
    )
    result, error = None, None
    try:
        result = to_json(extract(res.storage.get(claimed.storage_key), hints))
    except UnreadablePhotoError as unreadable:
        error = str(unreadable)[:500]
    except TRANSIENT:
        # Free the request so RQ's retry, or the sweeper, runs it again.
        with res.database.unit_of_work() as session:
            extraction.release_extraction(session, claimed.request_id)
        raise
    except Exception as failure:
        log.exception("photo reading failed", extra={"photo_id": str(photo_id), "generation": generation})
        error = f"an internal error ({type(failure).__name__}); a moderator will look at the photo"
    with res.database.unit_of_work() as session:
        if not extraction.record_extraction(session, claimed, result=result, error=error, now=res.clock()):
            return "already recorded"
        settled = verification.settle_task(session, claimed.task_id, now=res.clock())
    # After the commit: the deliveries are safe in PostgreSQL (with Redis down, the sweep finds them).
    deliver_after_commit(res.redis, settled.deliveries)
    extra = {"photo_id": str(photo_id), "generation": generation, "settled": len(settled.items)}
    log.info("photo extracted", extra=extra)
    return "failed" if error else "done"
