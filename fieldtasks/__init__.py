"""fieldtasks: an open backend for geolocated micro-work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from fieldtasks.config import Config


def create_app(config: Config | Mapping[str, str] | None = None) -> Flask:
    """Build the API application; configuration comes from the environment unless given."""
    # Imported here, not at the top: `import fieldtasks.ocr` (pure code, run by workers) must not
    # drag Flask and SQLAlchemy in.
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from fieldtasks.api import init_api
    from fieldtasks.api.context import EXTENSION
    from fieldtasks.cli import init_cli
    from fieldtasks.config import Config, load_config
    from fieldtasks.logs import configure_logging
    from fieldtasks.resources import build_resources
    from fieldtasks.storage import LocalStorage

    if not isinstance(config, Config):
        config = load_config(config)
    configure_logging(config.log_level)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_content_length,
        SESSION_COOKIE_SAMESITE="Lax",  # the console's cookie is not sent by other sites' forms (CSRF tokens too)
        SESSION_COOKIE_SECURE=config.console_cookie_secure,
    )
    if config.proxy_hops:  # the address limits count per client, not per proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops)
    app.extensions[EXTENSION] = resources = build_resources(config)
    if isinstance(resources.storage, LocalStorage):
        resources.storage.root.mkdir(parents=True, exist_ok=True)
    init_api(app)
    init_cli(app)
    return app
