"""Workbench pages: sharing."""

urlpatterns: list = []
