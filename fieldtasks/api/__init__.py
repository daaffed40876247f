"""HTTP layer: flask-smorest blueprints, the OpenAPI document at /openapi.json and docs at /docs."""

from __future__ import annotations

from datetime import datetime

import flask_smorest
import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask.json.provider import DefaultJSONProvider

from fieldtasks.api import (
    auth,
    campaigns,
    console,
    feeds,
    health,
    integrations,
    metrics,
    moderation,
    money,
    portal,
    portal_account,  # noqa: F401  (its pages join portal's blueprint)
    portal_prices,  # noqa: F401  (so do these)
    portal_setup,  # noqa: F401  (and these)
    qualifications,
    records,
    stores,
    tasks,
    users,
    voice,
    worker_app,
    worker_app_money,  # noqa: F401  (its pages join worker_app's blueprint)
    worker_app_pwa,  # noqa: F401  (so do the PWA's files)
)
from fieldtasks.api.errors import ErrorSchema, register_error_handlers
from fieldtasks.api.languages import init_languages
from fieldtasks.api.requests import init_request_tracking
from fieldtasks.moments import rfc3339

BLUEPRINTS = (
    health.blp,
    auth.blp,
    users.blp,
    campaigns.blp,
    stores.blp,
    tasks.blp,
    money.blp,
    feeds.blp,
    integrations.blp,
    moderation.blp,
    records.blp,
    qualifications.blp,
    voice.blp,
    metrics.blp,
)
DOCS_ASSETS = "/docs/assets/"


class Api(flask_smorest.Api):
    """flask-smorest's Api with the project's error shape, documented and served."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        register_error_handlers(self._app)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a date-time is written in the service's one form (Flask's default is an HTTP date)."""

    @staticmethod
    def default(value):
        if isinstance(value, datetime):
            return rfc3339(value)
        return DefaultJSONProvider.default(value)


def _docs_asset(filename: str):
    """Swagger UI's files, served by the app so the docs work without a CDN."""
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def init_api(app: Flask) -> Api:
    app.json = JSONProvider(app)
    init_languages(app)
    app.config.update(
        API_TITLE="fieldtasks",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=DOCS_ASSETS,
        API_SPEC_OPTIONS={
            "info": {"description": "Geolocated micro-work: campaigns, field tasks, photo verification, fair pay."},
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                    "metricsToken": {"type": "http", "scheme": "bearer", "description": "The METRICS_TOKEN"},
                }
            },
        },
    )
    api = Api(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.add_url_rule(f"{DOCS_ASSETS}<path:filename>", "docs_asset", _docs_asset)
    app.register_blueprint(console.blp)  # HTML pages, outside the OpenAPI document
    app.register_blueprint(worker_app.blp)  # the workers' app: HTML pages too
    app.register_blueprint(portal.blp)  # the clients' portal: HTML pages too
    init_request_tracking(app)
    return api
