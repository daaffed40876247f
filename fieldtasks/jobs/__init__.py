"""Background jobs (the second entrypoint): RQ job functions that call the same services as the API."""
