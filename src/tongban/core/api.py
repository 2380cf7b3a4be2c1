"""What every API router shares: the error body and the exception it maps from."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable machine ``code`` and a ``message`` in the caller's language."""

    code: str
    message: str
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    """Raise from a router to answer ``status`` with ``{"code", "message"}``."""

    def __init__(self, status: int, code: str, message: Any) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message = status, code, message
