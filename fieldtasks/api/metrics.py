"""`GET /metrics` in the Prometheus text format: cases, decisions, extraction, payments, webhooks."""

from __future__ import annotations

import hmac

from flask import Response, request
from flask.views import MethodView
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from redis.exceptions import RedisError

from fieldtasks.api.access import public
from fieldtasks.api.blueprint import TEXT_BODY, Blueprint
from fieldtasks.api.context import resources, unit_of_work
from fieldtasks.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from fieldtasks.jobs.queues import QUEUE_NAMES, queue
from fieldtasks.services.metrics import operational_figures

blp = Blueprint("metrics", __name__, description="Operations.")


class FiguresCollector:
    """Reads the figures once per scrape; prometheus_client renders them."""

    def __init__(self, figures: dict, queue_lengths: dict[str, int]):
        self.figures, self.queue_lengths = figures, queue_lengths

    def collect(self):
        f = self.figures
        yield _labelled(GaugeMetricFamily, "fieldtasks_review_cases_open", "Open review cases", "kind", f["open_cases"])
        yield GaugeMetricFamily(
            "fieldtasks_review_case_oldest_age_seconds", "Age of the oldest open case", value=f["oldest_case_age_s"]
        )
        decisions = {**f["decisions"], "deadline": f["closed_by_deadline"]}
        yield _labelled(CounterMetricFamily, "fieldtasks_review_decisions", "Cases settled, by outcome", "outcome",
                        decisions)  # fmt: skip
        yield _labelled(GaugeMetricFamily, "fieldtasks_extraction_requests", "Photo extractions by state", "status",
                        f["extractions"])  # fmt: skip
        yield _labelled(GaugeMetricFamily, "fieldtasks_queue_length", "Jobs waiting in each RQ queue", "queue",
                        self.queue_lengths)  # fmt: skip
        count = CounterMetricFamily("fieldtasks_item_payments", "Items paid", labels=["currency"])
        cents = CounterMetricFamily("fieldtasks_item_payments_cents", "Rewards paid, in cents", labels=["currency"])
        for currency, (paid, amount) in f["payments"].items():
            count.add_metric([currency], paid)
            cents.add_metric([currency], amount)
        yield count
        yield cents
        yield _labelled(GaugeMetricFamily, "fieldtasks_webhook_deliveries", "Webhook deliveries by state", "status",
                        f["webhook_deliveries"])  # fmt: skip


def _labelled(family, name: str, documentation: str, label: str, values: dict[str, int]):
    metric = family(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        metric.add_metric([key], value)
    return metric


@blp.route("/metrics")
class Metrics(MethodView):
    @public
    @blp.doc(security=[{"metricsToken": []}])
    @blp.response(200, TEXT_BODY, content_type="text/plain", description="Prometheus text format")
    @blp.alt_response(401, response="UNAUTHORIZED", description="`metrics_token_required`: no bearer token")
    @blp.alt_response(403, response="FORBIDDEN", description="`metrics_token_wrong`")
    @blp.alt_response(404, response="NOT_FOUND", description="`metrics_off`: METRICS_TOKEN is not set")
    def get(self):
        """Operational figures for Prometheus (aggregates only: no tenant data), with the METRICS_TOKEN"""
        res = resources()
        _check_scraper(res.config.metrics_token, request.headers.get("Authorization", ""))
        with unit_of_work() as session:
            figures = operational_figures(session, now=res.clock())
        try:
            lengths = {name: queue(name, res.redis).count for name in QUEUE_NAMES}
        except RedisError:
            lengths = {}  # the figures from PostgreSQL still come; /readyz reports Redis
        registry = CollectorRegistry()
        registry.register(FiguresCollector(figures, lengths))
        return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")


def _check_scraper(token: str | None, authorization: str) -> None:
    """Platform-wide figures (payments among them) are for the operator's scraper only."""
    if token is None:
        raise NotFoundError("Metrics are off: set METRICS_TOKEN to scrape them.", code="metrics_off")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise AuthenticationError("Send the METRICS_TOKEN as a bearer token.", code="metrics_token_required")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise PermissionDeniedError("That is not the METRICS_TOKEN.", code="metrics_token_wrong")
