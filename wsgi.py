"""WSGI entrypoint for gunicorn: `gunicorn wsgi:app`."""

from fieldtasks import create_app

app = create_app()
