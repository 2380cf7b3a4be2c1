"""Demo bundles and search: a newcomer's words find the right bundle and items."""

import pytest

from tongban.catalog import bundles, search
from tongban.catalog.models import Bundle
from tongban.demo.loader import load_demo_city

pytestmark = pytest.mark.django_db


def _top(query: str, count: int = 3) -> list[str]:
    return [hit.name for hit in search.search(query)[:count]]


def test_demo_bundles_and_search():
    load_demo_city()
    assert Bundle.objects.count() >= 12
    assert Bundle.objects.filter(theme="construction").count() == 4
    startup = Bundle.objects.get(code="YJS-QYKB")
    assert startup.entries.count() == 8  # licence, seal, tax, invoices, 3 insurances, bank
    assert "开办餐饮店一件事" in _top("我想开饭店")
    assert "企业设立登记" in _top("yyzz")
    assert _top("开公司")[0] == "企业开办一件事"
    assert "单位社会保险登记" in _top("社保", 5)  # beside the closure's 社保注销
    # The restaurant bundle merges what its items share and names the agencies involved.
    restaurant = Bundle.objects.get(code="YJS-CYD")
    answers = {q.text: q.options[0] for q in bundles.questions_of(restaurant)}
    guide = bundles.bundle_guide(restaurant, answers)
    names = [m.name for m in guide.materials]
    assert len(names) == len({bundles.material_key(n) for n in names})
    assert len(guide.versions) == 4 and guide.agencies == ["德州市行政审批服务局"]
    # A second load changes nothing.
    counts = load_demo_city()
    assert not any(counts.values())
