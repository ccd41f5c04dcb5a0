"""Demo cohorts for `manage.py seed_demo`: one running (sessions held and upcoming, a
waitlist), one open for applications, one open for enrollment, one finished. Idempotent."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from academy.choices import OfficeType
from academy.demo import demo_password_hash
from academy.models import User
from cohorts import services
from cohorts.models import Cohort, Enrollment
from modules.models import Program

FIRST = [
    "Keisha", "Marcus", "Lucía", "Daniel", "Imani", "Hannah", "Omar", "Priya", "Jamal", "Elena",
    "Tyrone", "Mei", "Carlos", "Fatima", "Andre", "Sofia", "Devon", "Rosa", "Khalid", "Naomi",
    "Luis", "Chloe", "Malik", "Ana", "Brandon", "Yesenia", "Xavier", "Leah", "Jorge", "Tamika",
    "Samir", "Claire", "Hector", "Aaliyah", "Ben", "Maribel", "Quinn", "Noor",
]  # fmt: skip
LAST = [
    "Jackson", "Nguyen", "Ramírez", "Okafor", "Sullivan", "Patel", "Haddad", "Brooks", "Kowalski",
    "Delgado", "Chen", "Washington", "Morales", "Abdi", "Fitzgerald", "Baptiste", "Yamamoto",
    "Herrera", "Olsen", "Castillo",
]  # fmt: skip
PLACES = [
    ("Austin City Council, District 4", "TX", OfficeType.CITY_COUNCIL, "America/Chicago"),
    ("San Antonio ISD Board", "TX", OfficeType.SCHOOL_BOARD, "America/Chicago"),
    ("Harris County Commissioners Court", "TX", OfficeType.COUNTY_COMMISSION, "America/Chicago"),
    ("Minneapolis City Council, Ward 9", "MN", OfficeType.CITY_COUNCIL, "America/Chicago"),
    ("Duluth City Council", "MN", OfficeType.CITY_COUNCIL, "America/Chicago"),
    ("Mayor of Rochester", "NY", OfficeType.MAYOR, "America/New_York"),
    ("Albany Common Council", "NY", OfficeType.CITY_COUNCIL, "America/New_York"),
    ("Yonkers Board of Education", "NY", OfficeType.SCHOOL_BOARD, "America/New_York"),
    ("Durham County Board of Commissioners", "NC", OfficeType.COUNTY_COMMISSION, "America/New_York"),
    ("Greensboro City Council", "NC", OfficeType.CITY_COUNCIL, "America/New_York"),
    ("Wake County Board of Education", "NC", OfficeType.SCHOOL_BOARD, "America/New_York"),
    ("St. Petersburg City Council", "FL", OfficeType.CITY_COUNCIL, "America/New_York"),
    ("Mayor of Tallahassee", "FL", OfficeType.MAYOR, "America/New_York"),
    ("Miami-Dade County Commission", "FL", OfficeType.COUNTY_COMMISSION, "America/New_York"),
    ("Oakland City Council", "CA", OfficeType.CITY_COUNCIL, "America/Los_Angeles"),
    ("Tucson City Council, Ward 1", "AZ", OfficeType.CITY_COUNCIL, "America/Phoenix"),
    ("Denver Public Schools Board", "CO", OfficeType.SCHOOL_BOARD, "America/Denver"),
    ("Pennsylvania House, District 188", "PA", OfficeType.STATE_LEGISLATURE, "America/New_York"),
]  # fmt: skip


def _officials(count: int) -> list[User]:
    rng = random.Random(2027)
    people = []
    for n in range(count):
        email = f"official.{n + 1:02d}@demo.academy"
        user = User.objects.filter(email=email).first()
        if user is None:
            place, state, office, tz = PLACES[n % len(PLACES)]
            user = User.objects.create_user(
                email=email,
                password=None,
                full_name=f"{FIRST[n % len(FIRST)]} {rng.choice(LAST)}",
                office_type=office,
                jurisdiction=place,
                state=state,
                time_zone=tz,
                pronouns=rng.choice(["", "she/her", "he/him", "they/them"]),
            )
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
            # Demo officials can sign in too: their addresses count as verified.
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    return people


def _weekly_sessions(
    cohort: Cohort, first_day, count: int, titles: list[str], hour: int = 19
) -> None:
    zone = ZoneInfo(cohort.time_zone)
    modules = list(cohort.program.modules.order_by("position"))
    for i in range(count):
        start = datetime.combine(first_day + timedelta(weeks=i), time(hour, 0), zone)
        services.session_create(
            cohort=cohort,
            title=titles[i % len(titles)],
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            online_url=f"https://meet.localprogress.example/{cohort.slug}",
            module=modules[i % len(modules)] if modules else None,
            notes="Come with one question from this week's lessons.",
            recording_url=f"https://video.localprogress.example/{cohort.slug}/{i + 1}"
            if start + timedelta(minutes=90) < timezone.now()
            else "",
        )


def _enroll(cohort: Cohort, people: list[User]) -> None:
    for person in people:
        services.enrollment_self_enroll(cohort=cohort, user=person)


REFLECTIONS = [
    "I want to start with a participatory budgeting pilot in my ward and use it to build trust with residents who never come to council meetings.",
    "Our state preempts rent control, so I'm going to focus on just-cause eviction and a right to counsel fund in the next budget.",
    "My first 100 days: meet every department head, learn the consent agenda, and find two colleagues to co-sponsor a tenant protections package.",
    "The biggest challenge is staff capacity. I'll ask the city manager for a workplan before proposing new programs.",
]  # fmt: skip
FEEDBACK = [
    "Great plan. Talk to the Durham PB team; they published their rules and timeline.",
    "Strong focus. Line up your legal memo on preemption before you file the ordinance.",
]


def _progress_and_attendance(
    cohort: Cohort, facilitator: User, rng: random.Random, *, pace, finished=False
) -> None:
    """Varied, realistic progress: most keep up, a few fall behind, some miss sessions."""
    from cohorts.models import Attendance, LessonProgress
    from modules.models import Lesson

    lessons = list(
        Lesson.objects.filter(module__program=cohort.program)
        .prefetch_related("questions__choices")
        .order_by("module__position", "position")
    )
    held = list(cohort.sessions.filter(starts_at__lte=timezone.now()).order_by("starts_at"))
    for enrollment in cohort.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related(
        "user"
    ):
        share = 1.0 if finished and rng.random() < 0.7 else rng.uniform(*pace)
        for lesson in lessons[: round(share * len(lessons))]:
            if lesson.kind == Lesson.Kind.KNOWLEDGE_CHECK:
                right = {
                    q.pk: {c.pk for c in q.choices.all() if c.is_correct}
                    for q in lesson.questions.all()
                }
                if rng.random() < 0.3:  # a first try that misses, then a pass
                    services.knowledge_check_submit(
                        enrollment=enrollment, lesson=lesson, answers={}
                    )
                services.knowledge_check_submit(enrollment=enrollment, lesson=lesson, answers=right)
            elif lesson.kind == Lesson.Kind.REFLECTION:
                progress = services.reflection_submit(
                    enrollment=enrollment, lesson=lesson, text=rng.choice(REFLECTIONS)
                )
                if rng.random() < 0.5:
                    services.reflection_feedback(
                        progress=progress, actor=facilitator, feedback=rng.choice(FEEDBACK)
                    )
            else:
                services.lesson_complete(enrollment=enrollment, lesson=lesson)
        reliable = rng.random() < 0.8
        for session in held:
            roll = rng.random()
            if reliable:
                status = "present" if roll < 0.85 else "late" if roll < 0.93 else "excused"
            else:
                status = "absent" if roll < 0.45 else "present" if roll < 0.85 else "excused"
            services.attendance_mark(
                session=session, enrollment=enrollment, status=status, actor=facilitator
            )
    done = LessonProgress.objects.filter(
        enrollment__cohort=cohort, completed_at__isnull=False
    ).count()
    marks = Attendance.objects.filter(session__cohort=cohort).count()
    return done, marks


@transaction.atomic
def seed(stdout) -> None:
    if Cohort.objects.exists():
        stdout.write(f"  cohorts: {Cohort.objects.count()} (already seeded)")
        return
    academy = Program.objects.get(slug="governance-academy-newly-elected")
    housing = Program.objects.get(slug="housing-leadership-lab")
    staff = User.objects.get(email="staff@demo.academy")
    facilitator = User.objects.get(email="facilitator@demo.academy")
    participant = User.objects.get(email="participant@demo.academy")
    officials = _officials(40)
    today = timezone.localdate()
    titles = [
        "Welcome and your first 100 days",
        "Developing a policy agenda",
        "Budgets as moral documents",
        "Tools: ordinances, resolutions and staff direction",
        "Home rule and state preemption",
        "Working with staff and city managers",
        "Navigating conflict and hostile media",
        "Building power with community",
    ]

    # 1. Running: sessions held and upcoming, full, with a waitlist.
    running = services.cohort_create(
        program=academy,
        name="Newly Elected Officials · Fall 2026",
        slug="newly-elected-fall-2026",
        starts_on=today - timedelta(weeks=5),
        ends_on=today + timedelta(weeks=4),
        time_zone="America/New_York",
        capacity=24,
        enrollment_mode=Cohort.EnrollmentMode.OPEN,
        status=Cohort.Status.OPEN,
        min_attendance_percent=75,
        facilitators=[facilitator],
    )
    _enroll(running, [participant, *officials[:26]])  # 24 seats: the last three wait
    enrolled = running.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related("user")
    services.enrollment_withdraw(
        enrollment=enrolled.get(user=officials[5]),
        actor=officials[5],
        note="Special session of the legislature.",
    )  # frees a seat: the first on the waitlist is promoted
    # Tuesdays, the first five held; the next one is tomorrow evening for the reminder demo.
    first_day = today - timedelta(weeks=5) + timedelta(days=1)
    _weekly_sessions(running, first_day, 8, titles)
    services.cohort_update(cohort=running, data={"status": Cohort.Status.RUNNING})
    services.announcement_post(
        cohort=running,
        author=facilitator,
        title="Budget amendment clinic this Thursday",
        body="Bring your draft amendment to office hours, **Thursday 6 pm ET**. We will work through the "
        "fiscal note together. The recording of last week's session is on the schedule.",
    )
    services.announcement_post(
        cohort=running,
        author=staff,
        title="Welcome to the Fall 2026 cohort",
        body="Welcome! Please complete your profile so facilitators can pair you with officials who hold a "
        "similar office. Reach out any time at academy@localprogress.example.",
    )

    # 2. Open for applications: the Housing Leadership Lab, facilitators approve.
    lab = services.cohort_create(
        program=housing,
        name="Housing Leadership Lab · Spring 2027",
        slug="housing-lab-spring-2027",
        starts_on=today + timedelta(weeks=8),
        ends_on=today + timedelta(weeks=14),
        time_zone="America/Chicago",
        capacity=20,
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION,
        status=Cohort.Status.OPEN,
        enrollment_closes_at=timezone.now() + timedelta(weeks=6),
        facilitators=[facilitator],
        chapter="MN",
    )
    answers = [
        "Elected last November; sworn in in January.",
        "Passing a tenant opportunity to purchase ordinance before the next budget cycle.",
    ]
    for person in officials[26:36]:
        services.enrollment_apply(
            cohort=lab,
            user=person,
            answers=[
                {"question": q, "answer": a} for q, a in zip(lab.questions, answers, strict=False)
            ],
        )
    for enrollment in lab.enrollments.order_by("pk")[:5]:
        services.enrollment_approve(
            enrollment=enrollment, actor=facilitator, message="Welcome to the Lab!"
        )
    _weekly_sessions(
        lab,
        lab.starts_on,
        6,
        [
            "Tenant protections",
            "Zoning reform",
            "Social housing",
            "Federal funds",
            "Anti-displacement",
            "Your housing package",
        ],
        hour=18,
    )

    # 3. Open for enrollment, New York chapter: María can enroll herself in the demo.
    services.cohort_create(
        program=academy,
        name="Newly Elected Officials · New York Chapter, Winter 2027",
        slug="newly-elected-ny-winter-2027",
        starts_on=today + timedelta(weeks=3),
        ends_on=today + timedelta(weeks=12),
        time_zone="America/New_York",
        capacity=20,
        enrollment_mode=Cohort.EnrollmentMode.OPEN,
        status=Cohort.Status.OPEN,
        chapter="NY",
        facilitators=[facilitator],
    )
    ny = Cohort.objects.get(slug="newly-elected-ny-winter-2027")
    _enroll(ny, officials[36:40])

    # 4. Finished: last spring's cohort.
    spring = services.cohort_create(
        program=academy,
        name="Newly Elected Officials · Spring 2026",
        slug="newly-elected-spring-2026",
        starts_on=today - timedelta(weeks=30),
        ends_on=today - timedelta(weeks=20),
        time_zone="America/Chicago",
        capacity=30,
        enrollment_mode=Cohort.EnrollmentMode.OPEN,
        status=Cohort.Status.OPEN,
        facilitators=[facilitator],
        chapter="TX",
    )
    _enroll(spring, officials[10:28])
    _weekly_sessions(spring, spring.starts_on, 8, titles, hour=18)
    services.cohort_update(cohort=spring, data={"status": Cohort.Status.FINISHED})

    _progress_and_attendance(running, facilitator, random.Random(7), pace=(0.15, 0.95))
    _progress_and_attendance(
        spring, facilitator, random.Random(11), pace=(0.55, 1.0), finished=True
    )

    stdout.write(
        f"  cohorts: {Cohort.objects.count()} cohorts, {Enrollment.objects.count()} enrollments, "
        f"{User.objects.count()} people"
    )
