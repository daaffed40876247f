"""flask-smorest Blueprint whose argument parser speaks the project's error shape."""

from __future__ import annotations

import typing

import flask
import flask_smorest
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request


class JsonParser(FlaskParser):
    """Refuses unknown query fields too, a non-JSON body with 415, and malformed JSON with 400."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        if not is_json_request(req):
            if req.content_length or req.get_data(cache=True):
                abort(415, code="unsupported_media_type", message="Send the body as application/json.")
            return core.missing
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request, *args: typing.Any, **kwargs: typing.Any):
        abort(400, code="invalid_json", message="The request body is not valid JSON.", errors={"json": [str(error)]})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
