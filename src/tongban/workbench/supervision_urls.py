"""Workbench pages: supervision after approval (审管互动) — the department's inbox of
pushed results, claims, deliveries to its system, claim rates."""

from django.urls import path

from . import supervision_views

urlpatterns: list = [
    path("supervision/", supervision_views.inbox, name="supervision"),
]
