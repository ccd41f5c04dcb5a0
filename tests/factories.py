import itertools

import factory
from allauth.account.models import EmailAddress

from academy.choices import OfficeType
from academy.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"official{n}@example.org")
    full_name = factory.Faker("name")
    office_type = OfficeType.CITY_COUNCIL
    jurisdiction = factory.Faker("city")
    state = "NC"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Accounts are verified unless `verified=False` is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "modules.Program"

    title = factory.Sequence(lambda n: f"Governing Lab {n}")
    slug = factory.Sequence(lambda n: f"governing-lab-{n}")
    summary = "Practical training for newly elected officials."
    description = "## Why\n\nBecause governing is different from campaigning."
    estimated_hours = 12


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "modules.Module"

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n + 1)
    estimated_minutes = 30


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "modules.Lesson"

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = "reading"
    position = factory.Sequence(lambda n: n + 1)
    body = "Read your **budget** as a moral document."
    body_html = "<p>Read your <strong>budget</strong> as a moral document.</p>"
    estimated_minutes = 15


_program_numbers = itertools.count(1)


def published_program(*, modules: int = 2, lessons_per_module: int = 3, **kwargs):
    """A published program built through the services, as staff would build it."""
    from modules import services

    n = next(_program_numbers)
    program = services.program_create(
        title=kwargs.pop("title", f"Program {n}"),
        slug=kwargs.pop("slug", f"program-{n}"),
        summary=kwargs.pop("summary", "A program."),
        **kwargs,
    )
    for m in range(modules):
        module = services.module_create(
            program=program, title=f"Module {m + 1}", estimated_minutes=10
        )
        for n in range(lessons_per_module):
            services.lesson_create(
                module=module, title=f"Lesson {m + 1}.{n + 1}", body="Text", estimated_minutes=5
            )
    return services.program_publish(program=program)


def ensure_issue_areas() -> None:
    """Transactional tests flush the data migration's rows; put them back."""
    import importlib

    from modules.models import IssueArea

    if IssueArea.objects.exists():
        return
    areas = importlib.import_module("modules.migrations.0002_issue_areas").AREAS
    for slug, name in areas:
        IssueArea.objects.get_or_create(slug=slug, defaults={"name": name})


def make_cohort(*, program=None, **overrides):
    """An open cohort through the service, ready for enrollment."""
    import datetime

    from cohorts import services

    n = next(_program_numbers)
    today = datetime.date.today()
    data = {
        "program": program or published_program(),
        "name": f"Cohort {n}",
        "slug": f"cohort-{n}",
        "starts_on": today + datetime.timedelta(days=14),
        "ends_on": today + datetime.timedelta(days=90),
        "capacity": 30,
        "enrollment_mode": "open",
        "status": "open",
    }
    data.update(overrides)
    return services.cohort_create(**data)


def completed_enrollment(*, cohort=None, user=None):
    """An enrollment whose completion policy is met (one lesson, no live sessions)."""
    from cohorts import services
    from modules.models import Lesson

    cohort = cohort or make_cohort(program=published_program(modules=1, lessons_per_module=1))
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=user or UserFactory())
    for lesson in Lesson.objects.filter(module__program=cohort.program):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment
