"""A national-size academy for `manage.py seed_scale` and `make bench`.

Deterministic for a seed and a day: every choice comes from one `random.Random(seed)`, and
times are laid out around midnight UTC of the day it runs (running cohorts must be running).
Rows get their ids here, so related rows can be written without reading anything back; the
big tables go in with PostgreSQL's COPY (bulk_create elsewhere, for the small test run).
"""

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from academy.choices import US_STATES, OfficeType
from academy.models import User
from certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateRevision,
    CertificateTemplate,
)
from cohorts.models import Attendance, Cohort, Enrollment, EnrollmentTransition, LessonProgress
from cohorts.models import Session as LiveSession
from modules.markdown import render_markdown
from modules.models import Choice, IssueArea, Lesson, Module, Program, Question

PASSWORD = "academy-bench"  # noqa: S105 - published, like the demo password
BIG_COHORT = "scale-big"
SMALL_COHORT = "scale-small"
# People the benchmark signs in as: one in the big cohort, one in the small one.
BENCH_STAFF = "bench.staff@scale.academy"
BENCH_FACILITATOR = "bench.facilitator@scale.academy"
BENCH_BIG = "bench.big@scale.academy"
BENCH_SMALL = "bench.small@scale.academy"

FIRST = [
    "Ana",
    "Luis",
    "Maya",
    "Darnell",
    "Priya",
    "Tomás",
    "Keisha",
    "Wei",
    "Fatima",
    "Jordan",
    "Rosa",
    "Malik",
    "Elena",
    "Samuel",
    "Aisha",
    "Diego",
    "Hannah",
    "Kwame",
    "Lucía",
    "Omar",
    "Nadia",
    "Javier",
    "Grace",
    "Minh",
    "Sofia",
    "Andre",
    "Leila",
    "Marcus",
    "Carmen",
    "Raj",
]
LAST = [
    "Ortiz",
    "Nguyen",
    "Washington",
    "Patel",
    "Okafor",
    "García",
    "Kim",
    "Hernández",
    "Johnson",
    "Rahman",
    "Chen",
    "Brooks",
    "Silva",
    "Morales",
    "Haddad",
    "Jackson",
    "Rivera",
    "Williams",
    "Park",
    "Castillo",
    "Begay",
    "Thompson",
    "Ali",
    "Romero",
    "Davis",
    "Yamamoto",
]
PLACES = [
    "Durham",
    "Tucson",
    "Minneapolis",
    "Albany",
    "Austin",
    "Orlando",
    "Asheville",
    "Duluth",
    "Buffalo",
    "El Paso",
    "Tampa",
    "Greensboro",
    "Rochester",
    "San Marcos",
    "Gainesville",
    "Saint Paul",
    "Ithaca",
    "Houston",
    "Charlotte",
    "Miami",
]
TOPICS = [
    "Budgets and Participatory Budgeting",
    "Housing Justice",
    "Public Safety Reimagined",
    "Climate Resilience",
    "Worker Power",
    "Running Effective Meetings",
    "Community Engagement",
    "Ethics and Transparency",
]
KINDS = [
    Lesson.Kind.READING,
    Lesson.Kind.VIDEO,
    Lesson.Kind.READING,
    Lesson.Kind.KNOWLEDGE_CHECK,
    Lesson.Kind.REFLECTION,
]
PARAGRAPH = (
    "Local governments decide where billions of dollars go each year. In this lesson we look "
    "at how newly elected officials can read a budget, ask the questions that matter, and "
    "bring residents into the decisions that shape their neighbourhoods."
)


@dataclass
class Size:
    people: int = 20_000
    facilitators: int = 100
    programs: int = 8
    modules: int = 12
    lessons_per_module: int = 5
    cohorts: int = 200
    big: int = 500
    small: int = 10
    cohort_min: int = 100
    cohort_max: int = 160
    sessions: int = 10


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, model: type[models.Model], n: int) -> None:
        label = model._meta.label
        self.rows[label] = self.rows.get(label, 0) + n


class Ids:
    """Hands out primary keys per model, starting after what the table holds."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            top = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = top + 1
        pk = self.next[model]
        self.next[model] += 1
        return pk


def write(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], counts):
    """Insert rows (tuples in `fields` order): COPY on PostgreSQL, bulk_create elsewhere."""
    n = 0
    meta = model._meta
    # Columns not named take the model's default, as the ORM would give them.
    rest = [
        f
        for f in meta.concrete_fields
        if f.name not in fields and f.attname not in fields and not f.primary_key
    ]
    if rest:
        now = timezone.now()
        fill = tuple(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else
            f.get_default()
            for f in rest
        )  # fmt: skip
        fields = [*fields, *(f.name for f in rest)]
        rows = (tuple(row) + fill for row in rows)
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        json_at = [
            i for i, f in enumerate(fields) if isinstance(meta.get_field(f), models.JSONField)
        ]
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            from psycopg.types.json import Jsonb

            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = Jsonb(row[i])
                copy.write_row(row)
                n += 1
    else:
        attnames = [meta.get_field(f).attname for f in fields]
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=500)
        n = len(objs)
    counts.add(model, n)
    return n


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def seed_scale(seed: int = 7, size: Size | None = None, log=print) -> Counts:
    size = size or Size()
    rng = random.Random(seed)
    counts = Counts()
    ids = Ids()
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    long_ago = today - dt.timedelta(days=3 * 365)
    password = make_password(PASSWORD, salt="scale")

    with transaction.atomic():
        # People -----------------------------------------------------------------------
        states = [code for code, _ in US_STATES]
        offices = [value for value, _ in OfficeType.choices]
        people_rows = []
        special = [
            (BENCH_STAFF, "Bench Staff", True),
            (BENCH_FACILITATOR, "Bench Facilitator", False),
            (BENCH_BIG, "Rosa Big-Cohort", False),
            (BENCH_SMALL, "Omar Small-Cohort", False),
        ]
        user_ids = {}
        for email, name, is_staff in special:
            pk = ids.take(User)
            user_ids[email] = pk
            people_rows.append(
                (pk, email, name, password, "", "", "", "NY", "America/New_York", "en", is_staff,
                 True, long_ago, False)
            )  # fmt: skip
        facilitators, participants = [], []
        for i in range(size.facilitators + size.people):
            pk = ids.take(User)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            role = "facilitator" if i < size.facilitators else "person"
            email = f"{role}.{i:05d}@scale.academy"
            (facilitators if i < size.facilitators else participants).append(pk)
            people_rows.append(
                (pk, email, name, password, "", rng.choice(offices),
                 f"{rng.choice(PLACES)} City Council", rng.choice(states), "America/Chicago",
                 "en", False, True, long_ago + dt.timedelta(minutes=i), False)
            )  # fmt: skip
        write(
            User,
            ["id", "email", "full_name", "password", "pronouns", "office_type", "jurisdiction",
             "state", "time_zone", "language", "is_staff", "is_active", "date_joined",
             "is_superuser"],
            people_rows,
            counts,
        )  # fmt: skip
        staff_id = user_ids[BENCH_STAFF]
        log(f"  people: {len(people_rows):,}")

        # Curriculum ---------------------------------------------------------------------
        areas = list(IssueArea.objects.all())
        programs: list[tuple[Program, list[Lesson]]] = []
        for p in range(size.programs):
            title = TOPICS[p % len(TOPICS)] + ("" if p < len(TOPICS) else f" {p // len(TOPICS)}")
            description = f"{PARAGRAPH}\n\n{PARAGRAPH}"
            program = Program.objects.create(
                title=title,
                slug=slugify(title),
                summary=f"A {size.modules}-module program for newly elected officials.",
                description=description,
                description_html=render_markdown(description),
                estimated_hours=size.modules * 2,
                status=Program.Status.PUBLISHED,
                published_at=long_ago,
            )
            if areas:  # its own draw: the rest is the same with or without issue areas
                program.issue_areas.set(random.Random(seed + p).sample(areas, k=min(2, len(areas))))
            CertificateTemplate.objects.create(
                program=program,
                signatory_1_name="Sarah Johnson",
                signatory_1_title="Executive Director, Local Progress",
            )
            lessons = []
            for m in range(1, size.modules + 1):
                module = Module.objects.create(
                    program=program,
                    title=f"Module {m}: {rng.choice(['Foundations', 'Practice', 'Case study', 'Tools', 'Strategy'])}",
                    summary=PARAGRAPH,
                    position=m,
                    estimated_minutes=60,
                )
                for position in range(1, size.lessons_per_module + 1):
                    kind = KINDS[(position - 1) % len(KINDS)]
                    body = (
                        f"## Lesson {m}.{position}\n\n{PARAGRAPH}\n\n- Read the budget\n- Ask why"
                    )
                    lesson = Lesson(
                        module=module,
                        title=f"Lesson {m}.{position}: {kind.label}",
                        kind=kind,
                        position=position,
                        estimated_minutes=10 + 5 * (position % 3),
                        body=body,
                        body_html=render_markdown(body),
                        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
                        if kind == Lesson.Kind.VIDEO
                        else "",
                        transcript=PARAGRAPH if kind == Lesson.Kind.VIDEO else "",
                        reflection_prompt="What will you try in your first 100 days?"
                        if kind == Lesson.Kind.REFLECTION
                        else "",
                    )
                    lessons.append(lesson)
            Lesson.objects.bulk_create(lessons)
            lessons = list(
                Lesson.objects.filter(module__program=program).order_by(
                    "module__position", "position"
                )
            )
            for lesson in lessons:
                if lesson.kind != Lesson.Kind.KNOWLEDGE_CHECK:
                    continue
                for q in range(1, 4):
                    question = Question.objects.create(
                        lesson=lesson, prompt=f"Question {q}: which comes first?", position=q
                    )
                    Choice.objects.bulk_create(
                        Choice(question=question, text=text, is_correct=c == 1, position=c)
                        for c, text in enumerate(["Listening", "Voting", "Tweeting"], start=1)
                    )
            programs.append((program, lessons))
            counts.add(Lesson, len(lessons))
        counts.add(Program, len(programs))
        log(
            f"  programs: {len(programs)} × {size.modules} modules × {size.lessons_per_module} lessons"
        )

        # Cohorts --------------------------------------------------------------------------
        # The big and the small cohort run now; the rest: mostly finished, some running, a few open.
        plan = [(BIG_COHORT, "running", size.big), (SMALL_COHORT, "running", size.small)]
        for c in range(size.cohorts - 2):
            state = "finished" if c % 20 < 15 else "running" if c % 20 < 19 else "open"
            plan.append((f"scale-{c:03d}", state, rng.randint(size.cohort_min, size.cohort_max)))
        cohort_rows, facilitator_rows, cohort_info = [], [], []
        through = Cohort.facilitators.through
        for n, (slug, state, seats) in enumerate(plan):
            pk = ids.take(Cohort)
            program, lessons = programs[n % len(programs)]
            if state == "finished":
                starts = today - dt.timedelta(days=rng.randint(120, 1000))
            elif state == "running":
                starts = today - dt.timedelta(days=35)
            else:
                starts = today + dt.timedelta(days=rng.randint(14, 60))
            ends = starts + dt.timedelta(weeks=size.sessions)
            status = {"finished": "finished", "running": "running", "open": "open"}[state]
            name = {BIG_COHORT: "National Cohort 2026", SMALL_COHORT: "Tribal Nations Cohort"}.get(
                slug, f"{rng.choice(PLACES)} {starts:%B %Y}"
            )
            cohort_rows.append(
                (pk, program.pk, name, slug, starts.date(), ends.date(), "America/Chicago",
                 max(seats, 30), "open" if state == "open" else "invite", None, None, "", "", status, 75, False, False,
                 long_ago, long_ago)
            )  # fmt: skip
            lead = user_ids[BENCH_FACILITATOR] if slug in (BIG_COHORT, SMALL_COHORT) else None
            lead = lead or facilitators[n % len(facilitators)]
            facilitator_rows.append((ids.take(through), pk, lead))
            cohort_info.append((pk, slug, state, seats, starts, lessons))
        write(
            Cohort,
            ["id", "program", "name", "slug", "starts_on", "ends_on", "time_zone", "capacity",
             "enrollment_mode", "enrollment_opens_at", "enrollment_closes_at",
             "application_questions", "chapter", "status", "min_attendance_percent",
             "requires_signoff", "sequential", "created_at", "updated_at"],
            cohort_rows,
            counts,
        )  # fmt: skip
        write(through, ["id", "cohort", "user"], facilitator_rows, counts)

        # Sessions: weekly; running cohorts are half-way, with one session starting in an hour.
        session_rows, sessions_of = [], {}
        for pk, _slug, state, _seats, starts, _lessons in cohort_info:
            sessions_of[pk] = []
            for week in range(size.sessions):
                at = starts + dt.timedelta(weeks=week, hours=23)
                if state == "running" and week == size.sessions // 2:
                    at = today + (timezone.now() - today) + dt.timedelta(hours=1)
                sid = ids.take(LiveSession)
                sessions_of[pk].append((sid, at))
                session_rows.append(
                    (sid, pk, f"Live session {week + 1}", at, at + dt.timedelta(minutes=90),
                     "https://meet.example.org/academy", "", None, "", "", None, 0, long_ago,
                     long_ago)
                )  # fmt: skip
        write(
            LiveSession,
            ["id", "cohort", "title", "starts_at", "ends_at", "online_url", "location", "module",
             "notes", "recording_url", "cancelled_at", "sequence", "created_at", "updated_at"],
            session_rows,
            counts,
        )  # fmt: skip

        # Enrollments, progress and attendance ------------------------------------------------
        order = participants[:]
        rng.shuffle(order)
        cursor_at = 0
        enrollment_rows, transition_rows = [], []
        progress_rows, attendance_rows = [], []
        completed = []  # (enrollment id, user id, cohort pk)
        now = timezone.now()
        for pk, slug, state, seats, starts, lessons in cohort_info:
            members = []
            if slug == BIG_COHORT:
                members.append(user_ids[BENCH_BIG])
            if slug == SMALL_COHORT:
                members.append(user_ids[BENCH_SMALL])
            bench = {user_ids[BENCH_BIG], user_ids[BENCH_SMALL]}
            if slug == "scale-000":  # their certificate, for the dashboard and verify page
                members += bench
            while len(members) < seats:
                members.append(order[cursor_at % len(order)])
                cursor_at += 1
            past_sessions = [(sid, at) for sid, at in sessions_of[pk] if at < now]
            for user_id in members:
                eid = ids.take(Enrollment)
                enrolled_at = starts - dt.timedelta(days=rng.randint(3, 30))
                if state == "finished":
                    done = (
                        len(lessons)
                        if user_id in bench or rng.random() < 0.8
                        else rng.randint(5, len(lessons) - 5)
                    )
                elif state == "running":
                    done = rng.randint(0, len(lessons) // 2)
                else:
                    done = 0
                finished = state == "finished" and done == len(lessons)
                status = "completed" if finished else "enrolled"
                ended = starts + dt.timedelta(weeks=size.sessions) if finished else None
                attended = excused = 0
                for sid, s_at in past_sessions:
                    roll = rng.random()
                    mark = (
                        "present" if roll < 0.85 else "late" if roll < 0.9 else
                        "excused" if roll < 0.94 else "absent"
                    )  # fmt: skip
                    attended += mark in ("present", "late")
                    excused += mark == "excused"
                    attendance_rows.append((sid, eid, mark, facilitator_rows[0][2], s_at))
                enrollment_rows.append(
                    (eid, pk, user_id, status, [], "", None, enrolled_at, ended, None, None,
                     enrolled_at, enrolled_at, attended, excused)
                )  # fmt: skip
                transition_rows.append(
                    (ids.take(EnrollmentTransition), eid, "invited", "enrolled", enrolled_at)
                )
                if finished:
                    completed.append((eid, user_id, pk))
                    transition_rows.append(
                        (ids.take(EnrollmentTransition), eid, "enrolled", "completed", ended)
                    )
                at = enrolled_at
                span = (min(now, starts + dt.timedelta(weeks=size.sessions)) - starts) / max(
                    done, 1
                )
                for i, lesson in enumerate(lessons[: done + (1 if done < len(lessons) else 0)]):
                    at = starts + span * i + dt.timedelta(minutes=rng.randint(0, 600))
                    complete = i < done
                    check = lesson.kind == Lesson.Kind.KNOWLEDGE_CHECK
                    reflection = lesson.kind == Lesson.Kind.REFLECTION and complete
                    progress_rows.append(
                        (eid, lesson.pk, at if complete else None,
                         rng.choice((67, 100, 100)) if check and complete else None,
                         1 if check else 0,
                         "I will start with a listening tour." if reflection else "",
                         at if reflection else None, "", None, None, at)
                    )  # fmt: skip
        write(
            Enrollment,
            ["id", "cohort", "user", "status", "application_answers", "decision_message",
             "waitlisted_at", "enrolled_at", "ended_at", "moved_to", "signed_off_at",
             "created_at", "updated_at", "attended_count", "excused_count"],
            enrollment_rows,
            counts,
        )  # fmt: skip
        write(
            EnrollmentTransition,
            ["id", "enrollment", "from_status", "to_status", "at"],
            transition_rows,
            counts,
        )
        log(f"  enrollments: {len(enrollment_rows):,}")
        write(
            LessonProgress,
            ["enrollment", "lesson", "completed_at", "score", "attempts", "reflection_text",
             "reflection_submitted_at", "feedback", "feedback_by", "feedback_at", "updated_at"],
            progress_rows,
            counts,
        )  # fmt: skip
        log(f"  lesson progress: {len(progress_rows):,}")
        write(
            Attendance,
            ["session", "enrollment", "status", "marked_by", "marked_at"],
            attendance_rows,
            counts,
        )
        log(f"  attendance: {len(attendance_rows):,}")

        # Certificates for everyone who completed: snapshots, not yet rendered.
        templates = dict(CertificateTemplate.objects.values_list("program_id", "pk"))
        cohorts_by_pk = {c.pk: c for c in Cohort.objects.select_related("program")}
        names = dict(User.objects.values_list("pk", "full_name"))
        certificate_rows, revision_rows = [], []
        for eid, user_id, cohort_pk in completed:
            cohort = cohorts_by_pk[cohort_pk]
            cid = ids.take(Certificate)
            issued = dt.datetime.combine(cohort.ends_on, dt.time(12), tzinfo=dt.UTC)
            certificate_rows.append(
                (cid, _code(rng), eid, templates[cohort.program_id], "active", 1, names[user_id],
                 cohort.program.title, cohort.name, cohort.starts_on, cohort.ends_on,
                 cohort.program.estimated_hours, issued, staff_id, "", None, None, "", "", "",
                 "", None)
            )  # fmt: skip
            revision_rows.append((cid, 1, names[user_id], "", issued))
        write(
            Certificate,
            ["id", "code", "enrollment", "template", "status", "revision", "name_as_printed",
             "program_title", "cohort_name", "starts_on", "ends_on", "hours", "issued_at",
             "issued_by", "override_reason", "revoked_at", "revoked_by", "revoked_public_reason",
             "revoked_private_note", "pdf", "pdf_sha256", "rendered_at"],
            certificate_rows,
            counts,
        )  # fmt: skip
        write(
            CertificateRevision,
            ["certificate", "revision", "name_as_printed", "pdf_sha256", "created_at"],
            revision_rows,
            counts,
        )
        log(f"  certificates: {len(certificate_rows):,}")

        reset = connection.ops.sequence_reset_sql(
            no_style(),
            [User, Cohort, through, LiveSession, Enrollment, EnrollmentTransition, Certificate,
             LessonProgress, Attendance, CertificateRevision],
        )  # fmt: skip
        with connection.cursor() as cursor:
            for sql in reset:
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, and a visibility map for index-only scans
        # (VACUUM cannot run inside a transaction: the tests' run gets ANALYZE alone).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts


def bulk_batch(count: int) -> list[int]:
    """A cohort of `count` people who just completed, issued in one BulkRun as staff do:
    the certificates exist and their PDFs wait in the task queue. Returns their ids."""
    from certificates.services import bulk_issue

    program = Program.objects.order_by("pk").first()
    n = Cohort.objects.filter(slug__startswith="bench-bulk-").count() + 1
    ends = timezone.localdate() - dt.timedelta(days=1)
    cohort = Cohort.objects.create(
        program=program,
        name=f"Bulk issue {n}",
        slug=f"bench-bulk-{n}",
        starts_on=ends - dt.timedelta(weeks=10),
        ends_on=ends,
        status=Cohort.Status.FINISHED,
        capacity=count,
    )
    now = timezone.now()
    people = User.objects.filter(email__startswith="person.").order_by("pk")[:count]
    Enrollment.objects.bulk_create(
        Enrollment(
            cohort=cohort,
            user=person,
            status=Enrollment.Status.COMPLETED,
            enrolled_at=now - dt.timedelta(weeks=11),
            ended_at=now,
        )
        for person in people
    )
    run = bulk_issue(cohort=cohort, actor=User.objects.get(email=BENCH_STAFF))
    return list(run.certificates.values_list("pk", flat=True))
