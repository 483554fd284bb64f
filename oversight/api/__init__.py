"""The HTTP API at /api/v1: token-authenticated, one company per token, OpenAPI described."""

from __future__ import annotations

from oversight.api.main import api

__all__ = ["api"]
