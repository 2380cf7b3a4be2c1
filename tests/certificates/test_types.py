"""Certificate types: the type code's format, the printed lines' shape, and defining a
type (a loader's way) idempotently."""

import pytest
from django.core.exceptions import ValidationError

from tongban.certificates import actions, transitions
from tongban.certificates.models import CertificateType, validate_template_lines, validate_type_code
from tongban.core.models import AuditEntry


def test_type_codes():
    validate_type_code("11100000000013338W050")
    for wrong in ("11100000000013338W05", "11100000000013338X050", "11100000000013338WABC", ""):
        with pytest.raises(ValidationError):
            validate_type_code(wrong)


def test_printed_lines():
    validate_template_lines([{"label": "经营场所", "key": "address"}])
    for wrong in (
        {"label": "x", "key": "address"},
        [{"label": "", "key": "address"}],
        [{"label": "经营场所", "key": "1address"}],
        [{"label": "经营场所", "key": "address", "extra": 1}],
        ["address"],
    ):
        with pytest.raises(ValidationError):
            validate_template_lines(wrong)


def test_define_type_creates_then_updates(cw):
    item = cw.base.item
    first = actions.define_type(
        "11100000000013338w087",
        "建筑施工企业安全生产许可证",
        items=[item],
        validity_months=36,
        lines=[{"label": "经营场所", "key": "address"}],
    )
    assert first.type_code == "11100000000013338W087"
    again = actions.define_type(
        "11100000000013338W087",
        "建筑施工企业安全生产许可证",
        items=[item],
        validity_months=36,
        lines=[{"label": "经营场所", "key": "address"}],
    )
    assert again.pk == first.pk
    assert list(again.items.all()) == [item]
    assert AuditEntry.objects.filter(action="certificate_type.add").count() == 1
    assert not AuditEntry.objects.filter(action="certificate_type.change").exists()
    actions.define_type("11100000000013338W087", "安全生产许可证", items=[item])
    assert CertificateType.objects.get(pk=first.pk).name == "安全生产许可证"
    assert AuditEntry.objects.filter(action="certificate_type.change").count() == 1
    with pytest.raises(ValidationError):
        actions.define_type("bad", "x")
    with pytest.raises(ValidationError):
        actions.define_type("11100000000013338W088", "x", lines=[{"label": "x"}])


def test_every_staff_action_has_a_verb_and_a_label():
    for action in transitions.STAFF_ACTIONS:
        assert action in transitions.ACTION_VERBS and action in transitions.ACTION_LABELS
