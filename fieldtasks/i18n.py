"""Sentences people read, in their language: English or French, chosen by the request (Accept-Language, or the
console's switch). Services write English; a sentence with figures in it is a `Sentence` (its template and its
values), so that the API can say it again in the reader's language. Machine-readable codes never change.

Catalogues: `fieldtasks/translations/<locale>/LC_MESSAGES/messages.po`, compiled to `.mo` beside it
(`make translations` extracts, updates and compiles them)."""

from __future__ import annotations

from typing import Any

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"


def N_(template: str) -> str:
    """Marks an English sentence for the catalogues, where it cannot be translated yet (a constant)."""
    return template


class Sentence(str):
    """An English sentence made from a template and its values; `localized` says it again in another language."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Sentence:
        made = super().__new__(cls, template.format(**values) if values else template)
        made.template, made.values = template, values
        return made


def localized(text: Any) -> Any:
    """`text` in the request's language when the catalogue has it: a sentence, or every sentence in a list or a
    dict's values (keys, numbers and anything else as they are). Outside a request, as it is."""
    from flask import has_request_context

    if not has_request_context():
        return text
    return _localized(text)


def _localized(text: Any) -> Any:
    from flask_babel import gettext

    if isinstance(text, Sentence):
        return gettext(text.template).format(**text.values) if text.values else gettext(text.template)
    if isinstance(text, str):
        return gettext(text) if text else text
    if isinstance(text, list | tuple):
        return [_localized(item) for item in text]
    if isinstance(text, dict):
        return {key: _localized(value) for key, value in text.items()}
    return text
