"""``workdays_unpublished``: years whose holiday schedule is missing, for the workbench banner."""

from django.utils.functional import SimpleLazyObject

from .actions import unpublished_years


def unpublished(request) -> dict:
    """For signed-in staff; lazy, so only pages that show the banner run its one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff":
        return {}
    return {"workdays_unpublished": SimpleLazyObject(unpublished_years)}
