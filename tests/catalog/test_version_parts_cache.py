"""A published version's questions and materials are read once, then served from cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.catalog.guide import guide_for
from tongban.catalog.models import ItemVersion

from .factories import option, published_item

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def locmem(settings):
    settings.CACHES = LOCMEM
    cache.clear()
    yield
    cache.clear()


def test_published_guide_parts_come_from_cache(db, locmem):
    item = published_item()
    version = item.versions.get()
    answers = [option(item, "租赁").pk, option(item, "是").pk]
    first = guide_for(version, answers)
    with CaptureQueriesContext(connection) as queries:
        second = guide_for(version, answers)
    assert len(queries) == 0
    assert [m.name for m in second.materials] == [m.name for m in first.materials]
    assert "房屋租赁合同" in [m.name for m in second.materials]


def test_a_draft_is_always_read_fresh(db, locmem):
    item = published_item()
    ItemVersion.objects.filter(item=item).update(status=ItemVersion.Status.DRAFT)
    version = item.versions.get()
    answers = [option(item, "自有房产").pk, option(item, "否").pk]
    guide_for(version, answers)
    with CaptureQueriesContext(connection) as queries:
        guide_for(version, answers)
    assert len(queries) > 0


def test_a_published_version_is_read_once_and_each_caller_gets_its_own_copy(db):
    from tongban.catalog.guide import published_version

    item = published_item()
    version = item.versions.get()
    reads = []

    def load(pk):
        reads.append(pk)
        return ItemVersion.objects.filter(pk=pk).first()

    first = published_version(version.pk, load)
    first.name = "改过的名称"  # a caller's change stays its own
    second = published_version(version.pk, load)
    assert reads == [version.pk]
    assert second.name == version.name
    assert published_version(version.pk + 999, load) is None


def test_a_draft_version_is_never_kept(db):
    from tongban.catalog.guide import published_version

    item = published_item()
    ItemVersion.objects.filter(item=item).update(status=ItemVersion.Status.DRAFT)
    version = item.versions.get()
    reads = []

    def load(pk):
        reads.append(pk)
        return ItemVersion.objects.get(pk=pk)

    published_version(version.pk, load)
    published_version(version.pk, load)
    assert reads == [version.pk, version.pk]
