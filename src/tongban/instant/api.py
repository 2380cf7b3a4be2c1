"""instant API."""

from ninja import Router

router = Router(tags=["instant"])
