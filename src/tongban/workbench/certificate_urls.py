"""Workbench pages: certificates issued by the staff member's agency."""

from django.urls import path

from . import certificate_views

urlpatterns: list = [
    path("certificates/", certificate_views.certificate_list, name="certificates"),
    path("certificates/<int:pk>/", certificate_views.certificate_detail, name="certificate"),
]
