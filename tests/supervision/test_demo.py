"""The demo's pushes: cases decided before the app existed are pushed by ``load()``, once."""

import pytest

from tongban.supervision import demo_data
from tongban.supervision.models import Push

from .conftest import after_issue

pytestmark = pytest.mark.django_db


def test_load_pushes_past_results_once(sw):
    case = sw.approve()
    after_issue(sw, case, "amend")
    assert demo_data.load() == {"supervision_pushes_created": 0}
    Push.objects.all().delete()
    assert demo_data.load() == {"supervision_pushes_created": 2}
    assert demo_data.load() == {"supervision_pushes_created": 0}
    assert set(Push.objects.values_list("agency", flat=True)) == {sw.amr.pk}
