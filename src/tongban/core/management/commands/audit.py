"""``tongban audit verify``: check the audit chain; exit 1 at the first broken entry."""

import sys

from django.core.management.base import BaseCommand

from tongban.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks every entry of the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries verified"))
            return
        self.stderr.write(
            f"audit chain broken at entry {problem.sequence}: {problem.kind} — {problem.detail} "
            f"({checked} entries before it verified)"
        )
        sys.exit(1)
