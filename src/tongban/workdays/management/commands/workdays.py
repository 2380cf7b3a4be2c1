"""``tongban workdays import FILE [--publish-year YYYY]``: enter a holiday schedule from a file.

The file is CSV or Excel (.xlsx) with the columns ``date, kind, name`` and optionally
``region`` (a division code). Nothing is imported when any row has a problem; each
problem is printed with its row and column.
"""

from django.core.management.base import BaseCommand, CommandError

from tongban.core.context import Actor, acting_as
from tongban.workdays import actions


class Command(BaseCommand):
    help = (
        "Working-day calendar tools. 'import FILE' enters holidays and make-up workdays "
        "from a CSV or .xlsx file (date, kind, name[, region]); --publish-year marks that "
        "year's schedule as entered in full."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--publish-year", type=int, default=None)

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        with acting_as(Actor.system("tongban workdays import")):
            try:
                result = actions.import_schedule(
                    actions.SYSTEM, data, publish_year=options["publish_year"]
                )
            except actions.ImportRejected as rejected:
                for error in rejected.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    f"nothing imported: {len(rejected.errors)} problems in {path}"
                ) from None
        message = f"imported {result.created} new and {result.updated} changed days"
        if result.published is not None:
            message += f"; {result.published.year} marked as entered"
        self.stdout.write(self.style.SUCCESS(message))
