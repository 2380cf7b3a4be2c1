from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_registry: dict[str, dict[str, Callable[[], Any]]] = {}


class AdapterNotFound(LookupError):
    pass


def register(port: str, name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: ``@register("sms", "console")``."""

    def decorator(cls: type[T]) -> type[T]:
        _registry.setdefault(port, {})[name] = cls
        return cls

    return decorator


def registered(port: str) -> list[str]:
    return sorted(_registry.get(port, {}))


def get_adapter(port: str, name: str | None = None) -> Any:
    """An instance of the implementation configured for ``port``."""
    from . import messaging  # noqa: F401  (registers the built-in implementations)

    chosen = name or getattr(settings, "TONGBAN_ADAPTERS", {}).get(port)
    try:
        return _registry[port][chosen]()
    except KeyError:
        raise AdapterNotFound(
            f"no adapter {chosen!r} for port {port!r}; registered: {registered(port)}"
        ) from None
