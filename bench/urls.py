"""``POST /bench/api/insert``: insert one row in one transaction, after the same session
and CSRF checks as the API, and answer a small JSON body. The least any write endpoint
costs on this stack: the baseline for write throughput over HTTP."""

from django.db import connection, transaction
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI, Status

from tongban.org.api_auth import AUTH
from tongban.urls import urlpatterns as platform_urls

TABLE = "bench_row"

api = NinjaAPI(urls_namespace="bench-api", docs_url=None, openapi_url=None)


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        key = "bigserial" if connection.vendor == "postgresql" else "integer"
        cursor.execute(f"CREATE TABLE {TABLE} (id {key} PRIMARY KEY, at timestamp, body text)")


@api.post("/insert", auth=AUTH, response={201: dict})
def insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, body) VALUES (%s, %s)",
            [timezone.now(), request.body[:200].decode()],
        )
    return Status(201, {"inserted": True})


urlpatterns = [path("bench/api/", api.urls), *platform_urls]
