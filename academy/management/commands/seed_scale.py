import time

from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from academy import fragments
from academy.models import User
from academy.scale import BENCH_STAFF, BIG_COHORT, PASSWORD, Size, seed_scale
from cohorts.models import Cohort


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with a national-size academy for benchmarking: "
        "20,000 people, 200 cohorts (one of 500), 8 programs of 12 modules × 5 lessons, "
        "10 sessions per cohort, about a million lesson-progress rows. Deterministic for a seed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--flush", action="store_true", help="Empty the database first (it must be empty)."
        )
        parser.add_argument(
            "--reuse", action="store_true", help="Do nothing if the scale data is already here."
        )
        # Smaller shapes, for the test that checks the generator itself.
        for name, default in vars(Size()).items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)

    def handle(self, *args, seed: int, flush: bool, reuse: bool, **options) -> None:
        size = Size(**{name: options[name] for name in vars(Size())})
        if flush:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)  # data migrations (issue areas) come back
        if reuse and Cohort.objects.filter(slug=BIG_COHORT).exists():
            self.stdout.write("Scale data found: reusing it (seed_scale --flush to start again).")
            return
        if connection.vendor != "postgresql" and size.people > 2_000:
            raise CommandError("seed_scale is for PostgreSQL: set DATABASE_URL=postgres://…")
        if User.objects.exists():
            raise CommandError("The database already has people in it; pass --flush to empty it.")
        started = time.perf_counter()
        self.stdout.write(f"Seeding a scale academy (seed {seed})…")
        counts = seed_scale(seed, size, log=self.stdout.write)
        # Rows written by COPY skip the services that keep cached fragments fresh, and ids of
        # an earlier seed are reused: nothing cached before belongs to this data.
        if fragments.enabled():
            caches[fragments.ALIAS].clear()
        total = sum(counts.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:,} rows in {time.perf_counter() - started:.1f} s. "
                f"Sign in as {BENCH_STAFF} (password {PASSWORD})."
            )
        )
