"""Credit records and commitment acceptances the credit tests start from."""

import datetime as dt

from django.utils import timezone

from tests.cases.helpers import online_case
from tongban.cases import actions
from tongban.credit import actions as credit_actions
from tongban.credit.models import CreditRecord, Kind, Source
from tongban.org.policy import SYSTEM


def blacklist(
    world, kind: str = Kind.BLACK_LIST, title: str = "失信被执行人", on=dt.date(2025, 9, 1)
) -> CreditRecord:
    """A record about the world's applicant, as the platform would make it."""
    return credit_actions.record(
        SYSTEM,
        applicant=world.applicant,
        kind=kind,
        title=title,
        authority="德州市中级人民法院",
        decided_on=on,
        source=Source.PLATFORM,
    )


def accepted_on_commitment(world):
    """A complete online case accepted at the window on a paper commitment."""
    case = actions.submit(world.p(world.citizen), online_case(world))
    return actions.accept_on_commitment(
        world.p(world.clerk),
        case,
        materials=[],
        text="本人承诺",
        check_due=timezone.localdate() + dt.timedelta(days=20),
        service_point=world.hall,
    )
