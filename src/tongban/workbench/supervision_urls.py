"""Workbench pages: supervision after approval (审管互动) — the department's inbox of
pushed results, claims, deliveries to its system, claim rates."""

from django.urls import path

from . import supervision_views

urlpatterns: list = [
    path("supervision/", supervision_views.inbox, name="supervision"),
    path("supervision/<int:pk>/", supervision_views.push_detail, name="supervision-push"),
    path("supervision/claim-rates/", supervision_views.claim_rates, name="supervision-rates"),
]
