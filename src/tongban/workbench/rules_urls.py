"""Workbench pages: rules."""

urlpatterns: list = []
