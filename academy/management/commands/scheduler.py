import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from academy import periodic


class Command(BaseCommand):
    help = "Run the registered periodic jobs (session reminders, sweeps) on their intervals."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args, once: bool = False, tick: float = 30.0, **options) -> None:
        last_run = {}
        while True:
            now = timezone.now()
            for job in periodic.jobs():
                if once or job.name not in last_run or now - last_run[job.name] >= job.every:
                    if not connection.in_atomic_block:  # (only ever inside one in tests)
                        close_old_connections()
                    ok = periodic.run(job)
                    last_run[job.name] = now
                    self.stdout.write(
                        f"{now:%Y-%m-%d %H:%M:%S} {job.name}: {'ok' if ok else 'failed'}"
                    )
            if once:
                return
            time.sleep(tick)
