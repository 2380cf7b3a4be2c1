"""Workbench pages: sharing (数据共享) — the data-query log and the data sources."""

from django.urls import path

from . import sharing_views

urlpatterns: list = [
    path("sharing/", sharing_views.queries, name="sharing"),
    path("sharing/queries/", sharing_views.queries, name="sharing-queries"),
    path("sharing/sources/", sharing_views.sources, name="sharing-sources"),
]
