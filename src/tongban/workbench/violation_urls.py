"""Workbench pages: violation notices (告知函) from supervising departments and the
bureau's decisions on them."""

from django.urls import path

from . import violation_views

urlpatterns: list = [
    path("violations/", violation_views.notice_list, name="violations"),
]
