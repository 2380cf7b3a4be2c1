"""sharing API."""

from ninja import Router

router = Router(tags=["sharing"])
