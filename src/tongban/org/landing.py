"""Where each kind of person lands after logging in."""

from django.urls import reverse

from .models import StaffRole, User

# The first matching role decides; order is from the broadest view to the narrowest.
ROLE_LANDING = [
    (StaffRole.PLATFORM_ADMIN, "admin:index"),
    (StaffRole.HALL_MANAGER, "workbench:hall"),
    (StaffRole.SECTION_CHIEF, "workbench:approvals"),
    (StaffRole.CATALOG_ADMIN, "workbench:catalog"),
    (StaffRole.BACKOFFICE_REVIEWER, "workbench:inbox"),
    (StaffRole.WINDOW_CLERK, "workbench:counter"),
    (StaffRole.HELPER_AGENT, "workbench:agent"),
    (StaffRole.SUPERVISING_OFFICER, "workbench:supervision"),
]


def landing_url_for(user: User) -> str:
    if user.kind == User.Kind.APPLICANT:
        return reverse("portal:me")
    if user.is_superuser:
        return reverse("admin:index")
    roles = set(user.assignments.values_list("role", flat=True))
    for role, url_name in ROLE_LANDING:
        if role in roles:
            if url_name.startswith("admin:") and not user.is_staff:
                continue  # the Django admin needs is_staff; fall through to the workbench
            return reverse(url_name)
    return reverse("workbench:home")
