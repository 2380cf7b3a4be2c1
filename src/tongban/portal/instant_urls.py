"""Instant-approval pages of the portal."""

urlpatterns: list = []
