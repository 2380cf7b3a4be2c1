"""Public certificate pages (verification); filled by the certificates work."""

urlpatterns: list = []
