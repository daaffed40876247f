"""flask-smorest Blueprint whose argument parser speaks the project's error shape."""

from __future__ import annotations

import http
import typing

import flask
import flask_smorest
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from fieldtasks.api.errors import ErrorSchema


class JsonParser(FlaskParser):
    """Refuses unknown query fields too, a non-JSON body with 415, and malformed JSON with 400.

    Adds a `multipart` location: the form fields and the files of a multipart body, in one schema.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
        "multipart": ma.RAISE,
    }
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        if not is_json_request(req):
            if req.content_length or req.get_data(cache=True):
                abort(415, code="unsupported_media_type", message="Send the body as application/json.")
            return core.missing
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request, *args: typing.Any, **kwargs: typing.Any):
        abort(400, code="invalid_json", message="The request body is not valid JSON.", errors={"json": [str(error)]})

    def load_multipart(self, req: flask.Request, schema: ma.Schema) -> typing.Any:
        if req.mimetype != "multipart/form-data":
            abort(415, code="unsupported_media_type", message="Send the body as multipart/form-data.")
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def alt_response(self, status_code, response=None, *, description=None, example=None, **kwargs):
        """An error response named by reference (`response="CONFLICT"`) keeps the codes its description lists
        and its example: flask-smorest would document the bare reference and drop both."""
        if response is None or (description is None and example is None):
            return super().alt_response(status_code, response, description=description, example=example, **kwargs)
        phrase = http.HTTPStatus(int(status_code)).phrase
        described = f"{phrase}: {description}" if description else phrase
        return super().alt_response(status_code, schema=ErrorSchema, description=described, example=example, **kwargs)
