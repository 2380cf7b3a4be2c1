"""Workbench pages: credit records (信用) and commitment post-checks (告知承诺核查)."""

from django.urls import path

from . import credit_views

urlpatterns: list = [
    path("credit/", credit_views.records, name="credit"),
    path("post-checks/", credit_views.post_checks, name="post_checks"),
]
