"""Test-only URLs: the archive router on an API of its own, with the real API's error
handlers, in front of the site's URLs (mounted at /api/v1/archive there too once
``tongban.api.urls`` adds it)."""

from django.urls import include, path
from ninja import NinjaAPI

from tongban.api.urls import api as site_api
from tongban.archive.api import router

api = NinjaAPI(urls_namespace="archive-test", docs_url=None, openapi_url=None)
api._exception_handlers = dict(site_api._exception_handlers)
api.add_router("/archive", router)

urlpatterns = [path("api/v1/", api.urls), path("", include("tongban.urls"))]
