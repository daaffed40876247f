"""RQ queues, named by purpose, all using RQ's JSON serializer so jobs carry ids, never objects."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

EXTRACTION = "extraction"  # read barcodes and prices from uploaded photos
WEBHOOKS = "webhooks"  # deliver signed events to clients
MAINTENANCE = "maintenance"  # sweeps: re-enqueue lost work, pay by default after deadlines

# A worker drains them in this order: people wait on extraction, clients on webhooks.
QUEUE_NAMES = (EXTRACTION, WEBHOOKS, MAINTENANCE)


def queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection, serializer=JSONSerializer)
