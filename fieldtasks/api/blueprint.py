"""flask-smorest Blueprint whose argument parser speaks the project's error shape."""

from __future__ import annotations

import functools
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
from fieldtasks.i18n import N_


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
        if not req.get_data(cache=True):  # an optional body left out, by a client that still says JSON
            return core.missing
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as error:  # nested too deep; an integer of thousands of digits
            abort(400, code="invalid_json", message="The request body is not JSON we can read.", errors={"json": [
                str(error)[:200]]})  # fmt: skip

    def _load_location_data(self, *, schema, req, location):
        data = super()._load_location_data(schema=schema, req=req, location=location)
        if location != "headers" and not clean_text(_texts(data)):
            abort(422, code="invalid_characters", message=UNCLEAN_TEXT, errors={location: [UNCLEAN_TEXT]})
        return data

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request, *args: typing.Any, **kwargs: typing.Any):
        abort(400, code="invalid_json", message="The request body is not valid JSON.", errors={"json": [str(error)]})

    def load_multipart(self, req: flask.Request, schema: ma.Schema) -> typing.Any:
        if req.mimetype != "multipart/form-data":
            abort(415, code="unsupported_media_type", message="Send the body as multipart/form-data.")
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


def _texts(data: typing.Any) -> typing.Iterator[str]:
    """Every string in parsed input (JSON values and keys, query or form values), without recursion."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, MultiDictProxy):  # query or form values (files are bytes, checked as images)
            for key, value in item.data.items(multi=True):
                stack.append(key)
                if isinstance(value, str):
                    stack.append(value)


UNCLEAN_TEXT = N_("Text may not contain NUL characters or unpaired surrogates.")  # PostgreSQL stores no NUL


def clean_text(texts: typing.Iterable[str]) -> bool:
    """No NUL (PostgreSQL refuses it in text) and no lone surrogate (not encodable as UTF-8)."""
    try:
        return not any("\x00" in text or not text.encode("utf-8") for text in texts if text)
    except UnicodeEncodeError:
        return False


# Bodies that are not JSON, for the document: the views return them as Responses, so nothing serialises them.
TEXT_BODY = {"type": "string"}
BINARY_BODY = {"type": "string", "format": "binary"}

BODY_413 = "`payload_too_large`: the body is over MAX_CONTENT_LENGTH (a photo, over 15 MB)"
BODY_400 = "`invalid_json`: no body, or not JSON that can be read (malformed, nested too deep, huge numbers)"


def _needs_body(view):
    """A required JSON body that is absent is a client's mistake (400), not an empty edit."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not flask.request.get_data(cache=True):
            abort(400, code="invalid_json", message="Send a JSON body.", errors={"json": ["A body is required."]})
        return view(*args, **kwargs)

    return checked


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def arguments(self, schema, *, location="json", **kwargs):
        """A body's arguments also document what a body can get wrong: unreadable JSON (400) and another
        media type (415), which the parser answers for every such operation (an operation's own declaration,
        written above its arguments, may say more)."""
        decorator = super().arguments(schema, location=location, **kwargs)
        if location not in ("json", "multipart"):
            return decorator
        kind = "application/json" if location == "json" else "multipart/form-data"

        def documented(func):
            func = decorator(func)
            if location == "json":
                if kwargs.get("required", True):
                    func = _needs_body(func)
                func = self.alt_response(400, response="BAD_REQUEST", description=BODY_400)(func)
            func = self.alt_response(413, response="PAYLOAD_TOO_LARGE", description=BODY_413)(func)
            return self.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE", description=f"Send {kind}.")(func)

        return documented

    def alt_response(self, status_code, response=None, *, description=None, example=None, **kwargs):
        """An error response named by reference (`response="CONFLICT"`) keeps the codes its description lists
        and its example: flask-smorest would document the bare reference and drop both."""
        if response is None or (description is None and example is None):
            return super().alt_response(status_code, response, description=description, example=example, **kwargs)
        phrase = http.HTTPStatus(int(status_code)).phrase
        described = f"{phrase}: {description}" if description else phrase
        return super().alt_response(status_code, schema=ErrorSchema, description=described, example=example, **kwargs)
