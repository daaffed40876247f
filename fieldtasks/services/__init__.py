"""Use cases: plain functions taking a session, ids and values, and keyword collaborators."""
