"""Every list that can grow answers one page at a time: `{items, next_cursor}`, asked for with `limit` and `cursor`."""

from __future__ import annotations

from functools import cache

import marshmallow as ma
from marshmallow import validate

MAX_PAGE = 200


class PageQuerySchema(ma.Schema):
    """`limit` items from where `cursor` (a page's `next_cursor`) left off; the first page without it."""

    cursor = ma.fields.String(validate=validate.Length(1, 400), metadata={"description": "A page's next_cursor"})
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE))


def next_cursor_field(description: str = "Pass it as `cursor` for the next page; null: the last") -> ma.fields.Field:
    return ma.fields.String(required=True, allow_none=True, metadata={"description": description})


@cache
def page_of(item: type[ma.Schema]) -> type[ma.Schema]:
    """The schema of a page of `item`s, named after it (`TaskCardPage` for `TaskCardSchema`)."""
    name = item.__name__.removesuffix("Schema") + "Page"
    fields = {
        "items": ma.fields.List(ma.fields.Nested(item), required=True),
        "next_cursor": next_cursor_field(),
    }
    return type(name + "Schema", (ma.Schema,), fields)


def as_page(items: list, next_cursor: str | None) -> dict:
    """A page as every list answers it."""
    return {"items": items, "next_cursor": next_cursor}


def page_args(query: dict) -> dict:
    """The `cursor` and `limit` of a page query, as the services take them."""
    return {"cursor": query.get("cursor"), "limit": query["limit"]}
