"""Workbench pages: violation notices (告知函) from supervising departments and the
bureau's decisions on them."""

from django.urls import path

from . import violation_views

urlpatterns: list = [
    path("violations/", violation_views.notice_list, name="violations"),
    path("violations/new/", violation_views.notice_new, name="violation-new"),
    path("violations/<int:pk>/", violation_views.notice_detail, name="violation"),
    path(
        "violations/<int:pk>/evidence/<int:evidence_pk>/",
        violation_views.evidence_download,
        name="violation-evidence",
    ),
]
