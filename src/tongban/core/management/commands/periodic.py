"""``tongban periodic``: enqueue registered periodic tasks when they are due."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tongban.core import periodic


class Command(BaseCommand):
    help = "Enqueue periodic tasks (deadline warnings…) when due; --once enqueues all now."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every task once, exit.")
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args, **options):
        last_run: dict[str, object] = {}
        while True:
            now = timezone.now()
            for job in periodic.registered():
                previous = last_run.get(job.name)
                if previous is None or now - previous >= job.every:
                    job.task.enqueue()
                    last_run[job.name] = now
                    self.stdout.write(f"{now:%H:%M:%S} enqueued {job.name}")
            if options["once"]:
                return
            time.sleep(options["tick"])
