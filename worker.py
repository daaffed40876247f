"""RQ worker for the fieldtasks queues: `python worker.py [--burst] [queue ...]`."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys

from rq import Worker
from rq.serializers import JSONSerializer

from fieldtasks.config import ConfigError, load_config
from fieldtasks.jobs.maintenance import sweeper_main
from fieldtasks.jobs.photo_reading import warm_up
from fieldtasks.jobs.queues import QUEUE_NAMES, queue
from fieldtasks.logs import configure_logging
from fieldtasks.ocr.extract import one_thread_per_process
from fieldtasks.resources import make_redis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("queues", nargs="*", help=f"default: all of {', '.join(QUEUE_NAMES)}, in this order")
    parser.add_argument("--burst", action="store_true", help="drain the queues, then exit")
    parser.add_argument(
        "--no-sweep", action="store_true", help="do not start the sweeper process (lost jobs, overdue reviews)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.queues) - set(QUEUE_NAMES))
    if unknown:
        parser.error(f"unknown queue(s): {', '.join(unknown)}; choose among {', '.join(QUEUE_NAMES)}")
    try:
        config = load_config()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    one_thread_per_process()  # inherited by every work horse and the Tesseract processes they start
    redis = make_redis(config)
    queues = [queue(name, redis) for name in (args.queues or QUEUE_NAMES)]
    worker = Worker(queues, connection=redis, serializer=JSONSerializer)
    # Imported and built once here: every work horse RQ forks inherits the OCR stack and the resources.
    warm_up()
    if not (args.burst or args.no_sweep):
        # A process, not a thread: it outlives no one (it stops when this worker is gone).
        sweeper = multiprocessing.get_context("spawn").Process(
            target=sweeper_main, args=(config.sweep_interval_s, os.getpid()), name="fieldtasks-sweeper", daemon=True
        )
        sweeper.start()
    logging.getLogger("fieldtasks.worker").info("worker starting", extra={"queues": [q.name for q in queues]})
    worker.work(burst=args.burst, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
