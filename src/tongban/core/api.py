"""What every API router shares: the error body and the exception it maps from."""

from collections.abc import Callable
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


class Paged:
    """A queryset the paginator slices in the database, each row of the page then turned
    into its output by ``render``: only the page is read and rendered, not every row."""

    def __init__(self, queryset, render: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.render = render

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.render(row) for row in self.queryset[index]]
        return self.render(self.queryset[index])
