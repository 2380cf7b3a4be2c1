"""Workbench pages: decision rules."""

from django.urls import path

from . import rule_views

urlpatterns = [
    path("rules/", rule_views.rules, name="rules"),
    path("rules/upload/", rule_views.upload, name="rule-upload"),
    path("rules/<int:pk>/", rule_views.rule, name="rule"),
    path("rules/<int:pk>/jdm.json", rule_views.download, name="rule-download"),
    path("rules/<int:pk>/bench/", rule_views.bench, name="rule-bench"),
]
