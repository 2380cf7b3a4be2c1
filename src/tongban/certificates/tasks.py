"""The certificates' background work (run by ``tongban worker``)."""

from django_tasks import task


# Before the notification and archive work the same action queues: the applicant's
# notice links to the file, which should be there when they follow it.
@task(priority=10)
def render_certificate(certificate_id: int) -> str:
    """Render and sign a new certificate's PDF ahead of its first download. Idempotent: a
    certificate whose file is stored (by a download meanwhile) is left as it is."""
    from .actions import ensure_file
    from .models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return "no such certificate"
    if certificate.file:
        return "already rendered"
    ensure_file(certificate)
    return "rendered"


@task()
def expire_certificates() -> str:
    """Record 过期失效 for the certificates past their last day (periodic)."""
    from .actions import expire_due

    return f"expired {expire_due()}"
