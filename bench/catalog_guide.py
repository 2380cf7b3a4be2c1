"""The item guide page (办事指南) for an item with 40 materials and situations.

Target (issue 3): ≤ 15 SQL queries, p99 ≤ 30 ms; printed beside the health endpoint
(one trivial query) served by the same stack in the same run.
"""

import datetime as dt
import statistics
import time

from django.db import connection
from django.test import Client

from tongban.catalog.models import (
    Item,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)
from tongban.org.models import Agency

from . import cases_fixture

CODE = "BENCH-GUIDE-40"
ROUNDS = 300


def _item() -> Item:
    existing = Item.objects.filter(impl_code=CODE).first()
    if existing:
        return existing
    agency = Agency.objects.first() or cases_fixture.world().agency  # standalone runs
    item = Item.objects.create(catalog_code="BG40", impl_code=CODE, agency=agency)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name="基准测试事项（40份材料）",
        item_type="01",
        legal_basis="《中华人民共和国行政许可法》",
        case_type="committed",
        statutory_limit=20,
        promised_limit=5,
        target_applicants=["enterprise"],
        handling_modes=["window", "online"],
        levels=["city"],
    )
    questions = []
    for q in range(3):
        question = SituationQuestion.objects.create(version=version, order=q, text=f"问题{q + 1}?")
        questions.append(
            [
                SituationOption.objects.create(question=question, order=o, text=f"答案{o + 1}")
                for o in range(3)
            ]
        )
    for m in range(40):
        material = Material.objects.create(
            version=version,
            order=m,
            name=f"申请材料{m + 1:02d}",
            kind="original",
            acceptance_standard="须加盖公章。" * 3,
        )
        if m % 4 == 0:
            material.applies_when.set([questions[m % 3][m % 3]])
    version.status = ItemVersion.Status.PUBLISHED
    version.effective_from = dt.date(2020, 1, 1)
    version.save()
    return item


def _timed(client: Client, url: str) -> list[float]:
    client.get(url)  # warm caches and templates
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(samples)


def run() -> None:
    _item()
    client = Client()
    url = f"/items/{CODE}/"
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(url)
    baseline = _timed(client, "/api/v1/health")
    guide = _timed(client, url)
    p99 = guide[int(len(guide) * 0.99) - 1]
    print(f"health_endpoint_p50: {statistics.median(baseline):.2f} ms")
    print(f"item_guide_40_materials_queries: {len(queries)} queries")
    print(f"item_guide_40_materials_p50: {statistics.median(guide):.2f} ms")
    print(f"item_guide_40_materials_p99: {p99:.2f} ms")
    print(f"item_guide_target_met: {int(p99 <= 30.0 and len(queries) <= 15)} bool")
