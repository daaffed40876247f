"""The reader's language for each request: the console's switch, else the best of Accept-Language, else English;
said back in Content-Language. Catalogues live in fieldtasks/translations (see fieldtasks.i18n)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from fieldtasks.i18n import DEFAULT_LOCALE, LOCALES, N_

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
CONSOLE_LANGUAGE = "lang"  # the session's key for the language switch of the console and the portal
SWITCHED = ("console", "portal")  # the blueprints with a language switch (the workers' app follows the phone)

# Marshmallow's and webargs' own sentences, as a refused field reads them, so the catalogues carry them too.
FIELD_SENTENCES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid UUID."),
    N_("Not a valid datetime."),
    N_("Not a valid date."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
)  # the sentences with figures (lengths, ranges, choices) stay in English for now


def select_locale() -> str:
    chosen = session.get(CONSOLE_LANGUAGE) if request.blueprint in SWITCHED else None
    return chosen or request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def init_languages(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))

    @app.context_processor
    def language_of_the_page() -> dict:
        return {"current_language": lambda: str(get_locale())}

    @app.after_request
    def say_the_language(response):
        response.headers["Content-Language"] = str(get_locale())
        response.vary.add("Accept-Language")
        return response
