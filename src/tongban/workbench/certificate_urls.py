"""Workbench pages: certificate."""

urlpatterns: list = []
