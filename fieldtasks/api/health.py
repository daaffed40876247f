"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from fieldtasks.api.access import public
from fieldtasks.api.blueprint import Blueprint
from fieldtasks.api.context import resources
from fieldtasks.services.health import check_readiness

blp = Blueprint("health", __name__, description="Probes.")


class StatusSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"example": {"database": "ok", "redis": "ok", "storage": "ok"}},
    )


@blp.route("/healthz")
class Health(MethodView):
    @public
    @blp.response(200, StatusSchema)
    def get(self):
        """The process is alive (touches no backing service)"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @public
    @blp.response(200, StatusSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="`errors` names each failing dependency")
    def get(self):
        """The database, Redis and photo storage are all reachable"""
        res = resources()
        return {"status": "ready", "checks": check_readiness(res.database, res.redis, res.storage)}
