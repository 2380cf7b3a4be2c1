"""Properties: the check never raises, and a registered name is always refused."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.naming import services
from tongban.naming.parse import Vocabulary, normalize, parse_name

pytestmark = pytest.mark.django_db

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FORMS = st.sampled_from(["有限公司", "股份有限公司", "合伙企业(有限合伙)", "个人独资企业"])
DIVISIONS = st.sampled_from(["", "德州市", "山东", "济南市"])
INDUSTRIES = st.sampled_from(["", "食品", "科技", "餐饮管理", "贸易"])
CHECK = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@CHECK
@given(text=st.text(max_size=120))
def test_the_check_never_raises(registry, text):
    result = services.check_name(text)
    assert result.outcome in {"ok", "warning", "refused"}
    assert all(f.message for f in result.findings)


@CHECK
@given(
    division=DIVISIONS,
    trade=st.text(HAN, min_size=2, max_size=5),
    industry=INDUSTRIES,
    form=FORMS,
)
def test_a_registered_name_is_always_refused(registry, division, trade, industry, form):
    name = f"{division}{trade}{industry}{form}"
    if not services.RegisteredName.objects.filter(normalized=normalize(name)).exists():
        services.register_name(name)
    result = services.check_name(name)
    assert result.outcome == "refused"
    assert "exact_duplicate" in result.codes()


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=60))
def test_parse_never_raises_and_keeps_the_characters(text):
    vocabulary = Vocabulary.build(industry_terms=[("食品", "food")])
    parsed = parse_name(text, vocabulary)
    assert len(parsed.normalized) >= len(parsed.trade_name + parsed.industry + parsed.form)
