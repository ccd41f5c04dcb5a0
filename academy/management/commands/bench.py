import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from academy import benchmark, scale
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Measure the key pages, throughput and certificate rendering on the seed_scale data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repeats", type=int, default=30, help="Requests timed per page.")
        parser.add_argument("--seconds", type=int, default=10, help="Seconds of load per URL.")
        parser.add_argument("--bulk", type=int, default=200, help="Certificates per bulk run.")
        parser.add_argument("--out", default=str(settings.VAR_DIR / "bench"))
        parser.add_argument(
            "--certificate-only",
            action="store_true",
            help="Only time one certificate against a minimal page; print JSON (the bench "
            "runs this in a fresh process).",
        )

    def handle(
        self, *args, repeats: int, seconds: int, bulk: int, out: str, certificate_only: bool, **_
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
        if not Cohort.objects.filter(slug=scale.BIG_COHORT).exists():
            raise CommandError("No scale data here: run `manage.py seed_scale` first.")
        if settings.DEBUG:
            raise CommandError("Run with DEBUG off: the numbers must be production's.")
        if certificate_only:
            result = benchmark.measure_certificate(repeats, lambda *_: None)
            self.stdout.write(json.dumps(result))
            return
        report = benchmark.run(Path(out), repeats, seconds, bulk, self.stdout.write)
        if not report["passed"]:
            self.stdout.write(self.style.WARNING("Some budgets FAIL: see the table above."))
