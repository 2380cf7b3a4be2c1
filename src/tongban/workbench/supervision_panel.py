"""The staff case page's panel of 审管互动: to which supervising departments the case's
results went, whether each claimed them, and whether each system received them.

``panel(case)`` gives the context; the case page includes
``workbench/supervision/_case_panel.html`` with it as ``panel``.
"""

from django.utils import timezone

from tongban.supervision import services


def panel(case) -> dict:
    now = timezone.now()
    return {
        "pushes": [
            {"push": push, "overdue": services.is_overdue(push, now)}
            for push in services.case_pushes(case)
        ]
    }
