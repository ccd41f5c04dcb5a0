from importlib import import_module, util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from academy.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load realistic demo data. Idempotent. Each app may provide a `demo` module with "
        "`seed(stdout)`; they run in INSTALLED_APPS order (academy, modules, cohorts, certificates)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (demo accounts have a published password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off; pass --force for a staging site."
            )
        self.stdout.write("Seeding demo data…")
        # Demo people have made-up addresses: the emails the services send are dropped.
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        ):
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                ours = Path(config.path).is_relative_to(settings.BASE_DIR)
                if not ours or util.find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(self.stdout)

        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for person in DEMO_ACCOUNTS:
            self.stdout.write(f"  {person.role:<12} {person.email}")
