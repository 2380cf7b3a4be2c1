"""The cases ``world`` with materials a data source confirms (三减一优), the applicant's
records in the local registers, and helpers to start a draft and to swap adapters."""

from dataclasses import dataclass

import pytest

from tests.cases.conftest import World, world  # noqa: F401 (the fixture)
from tongban.cases import actions
from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion, Material
from tongban.core.adapters import register
from tongban.core.adapters.data_sources import SourceRequest
from tongban.sharing import adapters, services
from tongban.sharing.models import DataSource, SharedRecord

LICENCE_TYPE = "11371400MB28510001"  # a certificate type code (credit code + sequence)


@dataclass
class SharingWorld:
    base: World
    id_card: Material  # population: any record confirms it
    degree: Material  # education: confirmed when ``highest_degree`` is set
    licence: Material  # certificate library: a valid certificate of LICENCE_TYPE

    @property
    def subject(self) -> str:
        return self.base.applicant.id_number

    def p(self, user):
        return self.base.p(user)

    def draft(self, answers=("自有房产", "否")) -> Case:
        return actions.start_application(
            self.p(self.base.citizen),
            self.base.item,
            applicant=self.base.applicant,
            channel="portal",
            answers=self.base.answers(*answers),
            form_data={"contact_phone": "13900000000"},
        )


def put_record(code: str, subject: str, data: dict) -> SharedRecord:
    record, _created = SharedRecord.objects.update_or_create(
        source=DataSource.objects.get(code=code),
        subject_index=services.subject_index(subject),
        defaults={"subject_masked": services.mask(subject), "data": data},
    )
    return record


def use_adapter(code: str, adapter: str, **options) -> DataSource:
    source = DataSource.objects.get(code=code)
    source.adapter = adapter
    source.options = options
    source.save()  # the per-process cache forgets it on save
    return source


# Adapters for tests: one that always fails, one answering what a test put in ``FIXED``.
FIXED: dict[str, dict | None] = {}


@register("data_source", "test-failing")
class FailingAdapter:
    def fetch(self, request: SourceRequest):
        raise ConnectionError("the exchange did not answer")


@register("data_source", "test-fixed")
class FixedAdapter:
    def fetch(self, request: SourceRequest):
        return FIXED.get(request.source)


def _add(version: ItemVersion, order: int, name: str, source: str, check: str = "") -> Material:
    return Material.objects.create(
        version=version,
        order=order,
        name=name,
        kind="original",
        shared_source=source,
        shared_check=check,
    )


@pytest.fixture
def sw(world) -> SharingWorld:  # noqa: F811
    version = ItemVersion.objects.get(item=world.item)
    ItemVersion.objects.filter(pk=version.pk).update(status="draft")
    version.status = "draft"
    materials = (
        _add(version, 6, "居民身份证", "population"),
        _add(version, 7, "学历证书", "education", "highest_degree"),
        _add(version, 8, "营业执照", "certificates", LICENCE_TYPE),
    )
    ItemVersion.objects.filter(pk=version.pk).update(status="published")
    return SharingWorld(world, *materials)


@pytest.fixture(autouse=True)
def _fresh_sharing_state():
    services.forget_sources()
    adapters.reset_breakers()
    FIXED.clear()
    saved = list(services._needs)
    yield
    services._needs[:] = saved
    services.forget_sources()
    adapters.reset_breakers()
