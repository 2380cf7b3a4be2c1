"""Instant approval (秒批) in the demo city: the data sources' synthetic records, the
decision rules of six items, and the certificate types their approvals issue.

Runs after the catalog is loaded; idempotent like the rest of the demo.
"""

import importlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongban.catalog.actions import current_version
from tongban.catalog.models import Item
from tongban.certificates.models import CertificateType
from tongban.rules import demo_data as rules_demo
from tongban.sharing import demo_data as sharing_demo
from tongban.sharing.models import DataSource

from .catalog_data import ITEM_BY_KEY
from .data import AGENCY_BY_KEY

# The rule keys of ``rules.demo_data`` → the demo catalog's item keys.
RULE_ITEMS = {
    "elderly_card": "senior_card",
    "senior_allowance": "longevity_allowance",
    "teacher_qualification": "teacher_qualification",
    "nurse_renewal": "nurse",
    "outdoor_ad_renewal": "outdoor_ads_renewal",
    "graduate_housing_subsidy": "graduate_housing_subsidy",
}


@dataclass(frozen=True)
class CertificateTypeRow:
    defining_agency: str  # its credit code + ``sequence`` make the type code
    sequence: str
    name: str
    item_keys: tuple[str, ...]
    validity_months: int | None
    number_prefix: str
    lines: tuple[tuple[str, str], ...]

    @property
    def type_code(self) -> str:
        return AGENCY_BY_KEY[self.defining_agency].credit_code + self.sequence


HOLDER = (("姓名", "holder_name"), ("公民身份号码", "holder_id"))
ENTERPRISE = (("单位名称", "holder_name"), ("统一社会信用代码", "holder_id"))

CERTIFICATE_TYPES = [
    CertificateTypeRow(
        "civil", "001", "老年人优待证", ("senior_card",), None, "LYD",
        (*HOLDER, ("优待项目", "item_name"), ("发证日期", "issue_date")),
    ),
    CertificateTypeRow(
        "education", "001", "教师资格证书", ("teacher_qualification",), None, "JSZG",
        (*HOLDER, ("认定事项", "item_name"), ("认定日期", "issue_date")),
    ),
    CertificateTypeRow(
        "health", "001", "护士执业证书", ("nurse",), 60, "HS",
        (*HOLDER, ("执业地址", "address"), ("有效期", "validity")),
    ),
    CertificateTypeRow(
        "urban", "001", "户外广告设施设置许可证", ("outdoor_ads", "outdoor_ads_renewal"), 36, "HWGG",
        (*ENTERPRISE, ("设置地点", "address"), ("设施说明", "description"), ("有效期", "validity")),
    ),
    CertificateTypeRow(
        "amr", "001", "食品经营许可证", ("food_business",), 60, "JY",
        (*ENTERPRISE, ("经营场所", "address"), ("主体业态", "description"), ("有效期", "validity")),
    ),
]  # fmt: skip


def _sources() -> dict[str, DataSource]:
    """The seven registers, as the sharing app's migration seeds them (a test that flushed
    the tables has none left)."""
    seeded = importlib.import_module("tongban.sharing.migrations.0002_seed_sources")
    for code, name, holder, adapter in seeded.SOURCES:
        DataSource.objects.get_or_create(
            code=code, defaults={"name": name, "holder": holder, "adapter": adapter}
        )
    return {s.code: s for s in DataSource.objects.all()}


def load_shared_records() -> int:
    """The registers' synthetic records (``sharing.demo_data``): the demo accounts' and
    more residents' and companies'; how many there are."""
    _sources()
    return sum(sharing_demo.load().values())


def _items(keys) -> list[Item]:
    codes = [ITEM_BY_KEY[key].impl_code for key in keys]
    return list(Item.objects.filter(impl_code__in=codes))


@transaction.atomic
def load_instant_approval() -> dict[str, int]:
    """Data-source records, certificate types and decision rules; counts of each."""
    counts = {"shared_records": load_shared_records()}
    for row in CERTIFICATE_TYPES:
        cert_type, _created = CertificateType.objects.update_or_create(
            type_code=row.type_code,
            defaults={
                "name": row.name,
                "validity_months": row.validity_months,
                "number_prefix": row.number_prefix,
                "lines": [{"label": label, "key": key} for label, key in row.lines],
            },
        )
        cert_type.full_clean()
        cert_type.items.set(_items(row.item_keys))
    counts["certificate_types"] = len(CERTIFICATE_TYPES)
    today = timezone.localdate()
    versions = {}
    for rule_key, item_key in RULE_ITEMS.items():
        item = Item.objects.get(impl_code=ITEM_BY_KEY[item_key].impl_code)
        versions[rule_key] = current_version(item, today)
    counts["decision_rules"] = len(rules_demo.load(versions))
    return counts
