"""Photo extraction: pure code, image bytes in, frozen dataclasses out (no Flask, no database, no RQ)."""
