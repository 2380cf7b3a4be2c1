"""``tongban catalog reindex``: rebuild the search documents of every item."""

from django.core.management.base import BaseCommand

from tongban.catalog.search import reindex_all


class Command(BaseCommand):
    help = "Catalog tools. 'reindex' rebuilds the search index from the versions in force."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["reindex"])

    def handle(self, *args, **options):
        count = reindex_all()
        self.stdout.write(self.style.SUCCESS(f"search index rebuilt: {count} items"))
