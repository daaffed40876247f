"""The workers' app installs as a PWA: its manifest, icons, service worker and offline outbox script."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from flask import Response, jsonify, session
from PIL import Image, ImageDraw

from fieldtasks.api.access import public
from fieldtasks.api.worker_app import blp, worker_page
from fieldtasks.i18n import N_, localized

STATIC = Path(__file__).resolve().parent.parent / "static" / "app"
ICON_SIZES = (192, 512)
THEME = "#14213d"


@blp.get("/manifest.webmanifest")
@public
def manifest():
    body = jsonify(
        name=localized(N_("fieldtasks: paid tasks near you")), short_name="fieldtasks", start_url="/app",
        scope="/app/", display="standalone", background_color="#f7f7f9", theme_color=THEME,
        icons=[{"src": f"/app/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"} for size in ICON_SIZES],
    )  # fmt: skip
    body.mimetype = "application/manifest+json"
    return body


@blp.get("/csrf")
@worker_page
def csrf_token(claims):
    """The session's CSRF token, for the outbox: a form kept on the phone may carry the token of a page opened
    before the worker signed in again. Never cached (the service worker keeps no copy either)."""
    return jsonify(csrf=session["csrf"]), 200, {"Cache-Control": "no-store"}


@blp.get("/sw.js")
@public
def service_worker():
    return _script("sw.js", {"Service-Worker-Allowed": "/app/"})


@blp.get("/offline.js")
@public
def outbox_script():
    return _script("offline.js")


def _script(name: str, headers: dict[str, str] | None = None) -> Response:
    """A script of the app, never cached by the browser's HTTP cache: a new one takes effect at once."""
    return Response((STATIC / name).read_text(), mimetype="text/javascript",
                    headers={"Cache-Control": "no-cache", **(headers or {})})  # fmt: skip


@blp.get("/icon-<int:size>.png")
@public
def icon(size: int):
    if size not in ICON_SIZES:
        return Response(status=404)
    return Response(_icon_png(size), mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})


@functools.cache
def _icon_png(size: int) -> bytes:
    """A map pin on the theme's colour, drawn once (no image file to keep in the repository)."""
    image = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    unit = size / 16
    draw.ellipse((5 * unit, 3 * unit, 11 * unit, 9 * unit), fill="#fca311")
    draw.polygon([(5.4 * unit, 7.2 * unit), (10.6 * unit, 7.2 * unit), (8 * unit, 13 * unit)], fill="#fca311")
    draw.ellipse((6.8 * unit, 4.8 * unit, 9.2 * unit, 7.2 * unit), fill=THEME)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
