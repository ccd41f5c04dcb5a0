"""Report selectors: the facilitator's roster grid and the staff overview.

Each is a fixed number of queries whatever the number of participants, modules or sessions:
grouped counts (progress by enrollment and module, attendance marks of the cohort, enrollment
rates by cohort, state and office type) come back from the database and the grid is put
together in Python. The per-person completion numbers reuse `cohorts.policy`.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import fragments
from academy.choices import US_STATES, OfficeType
from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, Session
from cohorts.policy import AttendanceSummary, PolicyStatus
from modules.models import Module, Program

E = Enrollment.Status
A = Attendance.Status

# People on the roster grid: they hold a seat (the waitlist is listed apart).
ROSTER_STATUSES = (E.ENROLLED, E.COMPLETED)
# Completion rate = completed / (enrolled + completed + withdrawn).
COUNTED_STATUSES = (E.ENROLLED, E.COMPLETED, E.WITHDRAWN)

MISSED_LIMIT = 2  # absent or unmarked held sessions (excused ones do not count)
BEHIND_MARGIN = 20  # percentage points behind the share of the cohort's time elapsed

SORTS = ("name", "progress", "attendance")
SHOWS = ("all", "at-risk", "completed")

UNMARKED = "unmarked"
MARK_LABELS = {
    A.PRESENT: gettext_lazy("Present"),
    A.LATE: gettext_lazy("Late"),
    A.EXCUSED: gettext_lazy("Excused"),
    A.ABSENT: gettext_lazy("Absent"),
    UNMARKED: gettext_lazy("Not marked"),
}


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# --- Facilitator roster grid ---------------------------------------------------------------


@dataclass(frozen=True)
class ModuleColumn:
    pk: int
    position: int
    title: str
    required: bool
    lesson_count: int
    required_count: int

    @property
    def counted(self) -> int:
        """Lessons behind the module %: its required ones, or all when none is required
        (the learner's outline measures a module the same way)."""
        return self.required_count or self.lesson_count


@dataclass(frozen=True)
class ModuleCell:
    module: ModuleColumn
    done: int

    @property
    def total(self) -> int:
        return self.module.counted

    @property
    def percent(self) -> int | None:
        return _percent(self.done, self.total)


@dataclass(frozen=True)
class AttendanceCell:
    session: Session
    status: str  # an Attendance.Status value or "unmarked"

    @property
    def label(self) -> str:
        return str(MARK_LABELS[self.status])


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


@dataclass
class RosterRow:
    enrollment: Enrollment
    modules: list[ModuleCell]
    cells: list[AttendanceCell]
    policy: PolicyStatus
    behind_schedule: bool

    @property
    def user(self):
        return self.enrollment.user

    @property
    def is_completed(self) -> bool:
        return self.enrollment.status == E.COMPLETED

    @property
    def progress_percent(self) -> int | None:
        return _percent(self.policy.required_done, self.policy.required_total)

    @property
    def attendance(self) -> AttendanceSummary:
        return self.policy.attendance

    @property
    def attendance_percent(self) -> int | None:
        return self.policy.attendance.percent

    @property
    def missed_sessions(self) -> bool:
        # AttendanceSummary.missed = held − excused − attended = absent + unmarked.
        return self.policy.attendance.missed >= MISSED_LIMIT

    @property
    def flags(self) -> list[Flag]:
        """At-risk flags; someone who has completed is not at risk."""
        if self.is_completed:
            return []
        flags = []
        if self.missed_sessions:
            flags.append(Flag("missed", _("Missed 2+ sessions")))
        if self.behind_schedule:
            flags.append(Flag("behind", _("Behind schedule")))
        if self.policy.attendance_at_risk:
            flags.append(Flag("unreachable", _("Attendance no longer reachable")))
        return flags

    @property
    def at_risk(self) -> bool:
        return bool(self.flags)


@dataclass
class _Grid:
    """Everything a roster row needs except the enrollment itself, loaded in four queries."""

    cohort: Cohort
    modules: list[ModuleColumn]
    held: list[Session]
    remaining: int
    elapsed: float  # share of the cohort's dates gone by, 0..1
    done: dict[tuple[int, int], tuple[int, int]]  # (enrollment, module) → (all, required) done
    marks: dict[int, dict[int, str]]  # enrollment → session → status

    @property
    def required_total(self) -> int:
        return sum(m.required_count for m in self.modules if m.required)

    @property
    def elapsed_percent(self) -> int:
        return round(100 * self.elapsed)

    def row(self, enrollment: Enrollment) -> RosterRow:
        cells, required_done = [], 0
        for module in self.modules:
            done_all, done_required = self.done.get((enrollment.pk, module.pk), (0, 0))
            cells.append(ModuleCell(module, done_required if module.required_count else done_all))
            if module.required:
                required_done += done_required
        marks = self.marks.get(enrollment.pk, {})
        attendance = [AttendanceCell(s, marks.get(s.pk, UNMARKED)) for s in self.held]
        summary = AttendanceSummary(
            held=len(self.held),
            excused=sum(c.status == A.EXCUSED for c in attendance),
            attended=sum(c.status in Attendance.ATTENDED for c in attendance),
            remaining=self.remaining,
        )
        policy = PolicyStatus(
            required_total=self.required_total,
            required_done=required_done,
            attendance=summary,
            min_attendance=self.cohort.min_attendance_percent,
            requires_signoff=self.cohort.requires_signoff,
            signed_off=getattr(enrollment, "signed_off_at", None) is not None,
        )
        total = policy.required_total
        behind = bool(total) and (100 * required_done / total < 100 * self.elapsed - BEHIND_MARGIN)
        return RosterRow(enrollment, cells, attendance, policy, behind_schedule=behind)


def elapsed_share(cohort: Cohort, today: date) -> float:
    """How much of the cohort's dates has gone by, from 0 (not started) to 1 (ended)."""
    if today <= cohort.starts_on:
        return 0.0
    if today >= cohort.ends_on:
        return 1.0
    return (today - cohort.starts_on).days / (cohort.ends_on - cohort.starts_on).days


def _grid(cohort: Cohort, now: datetime) -> _Grid:
    modules = [
        ModuleColumn(m.pk, m.position, m.title, m.required, m.lesson_count, m.required_count)
        for m in Module.objects.filter(program_id=cohort.program_id)
        .annotate(
            lesson_count=Count("lessons"),
            required_count=Count("lessons", filter=Q(lessons__required=True)),
        )
        .only("pk", "position", "title", "required")
        .order_by("position")
    ]
    sessions = list(
        Session.objects.filter(cohort=cohort, cancelled_at__isnull=True)
        .only("pk", "title", "starts_at", "ends_at", "cohort_id")
        .order_by("starts_at", "pk")
    )
    held = [s for s in sessions if s.starts_at <= now]
    done = {
        (row["enrollment_id"], row["lesson__module_id"]): (row["done"], row["required_done"])
        for row in LessonProgress.objects.filter(
            enrollment__cohort=cohort,
            enrollment__status__in=ROSTER_STATUSES,
            completed_at__isnull=False,
            lesson__module__program_id=cohort.program_id,
        )
        .values("enrollment_id", "lesson__module_id")
        .annotate(done=Count("pk"), required_done=Count("pk", filter=Q(lesson__required=True)))
        .order_by()
    }
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for enrollment_id, session_id, status in (
        Attendance.objects.filter(
            session__cohort=cohort,
            session__cancelled_at__isnull=True,
            session__starts_at__lte=now,
            enrollment__status__in=ROSTER_STATUSES,
        )
        .values_list("enrollment_id", "session_id", "status")
        .order_by()
    ):
        marks[enrollment_id][session_id] = status
    today = timezone.localdate(now, ZoneInfo(cohort.time_zone))
    return _Grid(
        cohort=cohort,
        modules=modules,
        held=held,
        remaining=len(sessions) - len(held),
        elapsed=elapsed_share(cohort, today),
        done=done,
        marks=marks,
    )


def _participants(cohort: Cohort) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(cohort=cohort, status__in=ROSTER_STATUSES)
        .select_related("user")
        .order_by(Lower("user__full_name"), "pk")
    )


def _sort_key(sort: str):
    def name(row: RosterRow):
        return (row.user.full_name.lower(), row.enrollment.pk)

    if sort == "progress":
        return lambda row: (-1 if row.progress_percent is None else row.progress_percent, name(row))
    if sort == "attendance":
        return lambda row: (
            -1 if row.attendance_percent is None else row.attendance_percent,
            name(row),
        )
    return name


def parse_sort(value: str | None) -> tuple[str, bool]:
    """The `sort` parameter: "progress" sorts up, "-progress" down; anything else by name."""
    value = value or ""
    descending = value.startswith("-")
    key = value.lstrip("-")
    return (key, descending) if key in SORTS else ("name", False)


@dataclass
class Roster:
    cohort: Cohort
    modules: list[ModuleColumn]
    held: list[Session]
    remaining: int
    elapsed_percent: int
    rows: list[RosterRow]  # filtered and sorted
    counts: dict[str, int]  # per filter in SHOWS
    waitlist: list[Enrollment]
    sort: str = "name"
    descending: bool = False
    show: str = "all"
    sessions_total: int = field(init=False)

    def __post_init__(self) -> None:
        self.sessions_total = len(self.held) + self.remaining

    @property
    def at_risk_count(self) -> int:
        return self.counts["at-risk"]

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort


def cohort_roster(
    *, cohort: Cohort, sort: str | None = None, show: str | None = None, now=None
) -> Roster:
    """The roster grid: six queries (program, modules, sessions, progress, attendance, people)."""
    now = now or timezone.now()
    cohort = Cohort.objects.select_related("program").get(pk=cohort.pk)
    grid = _grid(cohort, now)
    people = list(
        Enrollment.objects.filter(cohort=cohort, status__in=(*ROSTER_STATUSES, E.WAITLISTED))
        .select_related("user")
        .order_by(Lower("user__full_name"), "pk")
    )
    rows = [grid.row(e) for e in people if e.status in ROSTER_STATUSES]
    waitlist = sorted(
        (e for e in people if e.status == E.WAITLISTED), key=lambda e: (e.waitlisted_at, e.pk)
    )
    counts = {
        "all": len(rows),
        "at-risk": sum(r.at_risk for r in rows),
        "completed": sum(r.is_completed for r in rows),
    }
    show = show if show in SHOWS else "all"
    if show == "at-risk":
        rows = [r for r in rows if r.at_risk]
    elif show == "completed":
        rows = [r for r in rows if r.is_completed]
    key, descending = parse_sort(sort)
    rows.sort(key=_sort_key(key), reverse=descending)
    return Roster(
        cohort=cohort,
        modules=grid.modules,
        held=grid.held,
        remaining=grid.remaining,
        elapsed_percent=grid.elapsed_percent,
        rows=rows,
        counts=counts,
        waitlist=waitlist,
        sort=key,
        descending=descending,
        show=show,
    )


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def roster_table(*, cohort: Cohort, now=None, chunk_size: int = 500) -> Iterator[list]:
    """The roster as rows of cells for a CSV: a header, then one row per participant by name.

    Participants are read with `.iterator()`, so a large cohort is streamed, never held whole.
    """
    now = now or timezone.now()
    grid = _grid(cohort, now)
    tz = ZoneInfo(cohort.time_zone)
    yield [
        _("Name"),
        _("Email"),
        _("Office"),
        _("Jurisdiction"),
        _("State"),
        _("Status"),
        *[
            _("Module %(n)s: %(title)s (%% done)") % {"n": m.position, "title": m.title}
            for m in grid.modules
        ],
        _("Required lessons done"),
        _("Required lessons"),
        _("Required lessons (% done)"),
        *[f"{timezone.localtime(s.starts_at, tz):%Y-%m-%d %H:%M} {s.title}" for s in grid.held],
        _("Sessions attended"),
        _("Sessions excused"),
        _("Sessions missed"),
        _("Attendance (%)"),
        _("Missed 2+ sessions"),
        _("Behind schedule"),
        _("Attendance no longer reachable"),
    ]
    for enrollment in _participants(cohort).iterator(chunk_size=chunk_size):
        row = grid.row(enrollment)
        user = enrollment.user
        codes = {f.code for f in row.flags}
        yield [
            user.full_name,
            user.email,
            user.get_office_type_display(),
            user.jurisdiction,
            user.state,
            enrollment.get_status_display(),
            *[cell.percent for cell in row.modules],
            row.policy.required_done,
            row.policy.required_total,
            row.progress_percent,
            *[cell.label for cell in row.cells],
            row.attendance.attended,
            row.attendance.excused,
            row.attendance.missed,
            row.attendance_percent,
            _yes("missed" in codes),
            _yes("behind" in codes),
            _yes("unreachable" in codes),
        ]


# --- Staff overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    key: str
    label: str
    enrolled: int = 0
    completed: int = 0
    withdrawn: int = 0
    rated: int = 0  # seat holders with at least one counted session
    average_attendance: float | None = None

    @property
    def counted(self) -> int:
        return self.enrolled + self.completed + self.withdrawn

    @property
    def completion_rate(self) -> int | None:
        return _percent(self.completed, self.counted)

    @property
    def attendance_rate(self) -> int | None:
        return None if self.average_attendance is None else round(self.average_attendance)


@dataclass
class CohortLine:
    cohort: Cohort  # with seats_taken and waitlist_count set
    rates: Rates

    @property
    def seats_left(self) -> int:
        return max(self.cohort.capacity - self.cohort.seats_taken, 0)


@dataclass
class StaffReport:
    cohorts: list[CohortLine]
    totals: Rates
    by_state: list[Rates]
    by_office: list[Rates]
    programs: list[Program]
    program: str = ""
    status: str = ""

    @property
    def capacity(self) -> int:
        return sum(line.cohort.capacity for line in self.cohorts)

    @property
    def seats_taken(self) -> int:
        return sum(line.cohort.seats_taken for line in self.cohorts)

    @property
    def waitlist(self) -> int:
        return sum(line.cohort.waitlist_count for line in self.cohorts)


# One pass over the enrollments for all four groupings. Attendance comes from the counts kept
# on each enrollment (services.attendance_recount), so the attendance table is not read, except
# the few marks made ahead on sessions that have not started (excused absences), which the
# rates must not count yet. Plain SQL: the ORM cannot join an aggregated derived table or
# group one result four ways. PostgreSQL groups in one pass (GROUPING SETS); SQLite, which has
# none, reads the CTE four times (UNION ALL). The waitlist rides along for the seat counts.
# Floating point, not numeric: PostgreSQL's numeric division is several times slower.
RATES_SQL = """
WITH held (cohort_id, n) AS (
    SELECT cohort_id, COUNT(*) FROM {session}
    WHERE cancelled_at IS NULL AND starts_at <= %(now)s
    GROUP BY cohort_id
),
{ahead}people AS (
    SELECT e.cohort_id, e.status, u.state, u.office_type,
        CASE WHEN COALESCE(h.n, 0) - ({excused}) > 0
            THEN CAST({attended} AS DOUBLE PRECISION) * 100 / (COALESCE(h.n, 0) - ({excused}))
        END AS rate
    FROM {enrollment} e
    JOIN {user} u ON u.id = e.user_id
    LEFT JOIN held h ON h.cohort_id = e.cohort_id
    {joins}
    WHERE e.status IN %(listed)s {filters}
)
{groupings}
"""
RATES_COLUMNS = """
    SUM(CASE WHEN status = %(enrolled)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN status = %(completed)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN status = %(withdrawn)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN status IN %(seat)s AND rate IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN status IN %(seat)s THEN rate END),
    SUM(CASE WHEN status IN %(seat)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN status = %(waitlisted)s THEN 1 ELSE 0 END)
"""
GROUPING_SETS = f"""
SELECT CASE WHEN GROUPING(cohort_id) = 0 THEN 'cohort' WHEN GROUPING(state) = 0 THEN 'state'
        WHEN GROUPING(office_type) = 0 THEN 'office' ELSE 'all' END,
    COALESCE(CAST(cohort_id AS VARCHAR(20)), state, office_type, ''),
    {RATES_COLUMNS}
FROM people GROUP BY GROUPING SETS ((cohort_id), (state), (office_type), ())
"""  # noqa: S608 - constants only
GROUPINGS = {
    "cohort": "CAST(cohort_id AS VARCHAR(20))",
    "state": "state",
    "office": "office_type",
    "all": "''",
}


def _marks_ahead(now: datetime) -> list[tuple[int, int, int]]:
    """(enrollment, attended, excused) marks on sessions not cancelled that start after now.
    Through the session index first: there are few upcoming sessions and fewer such marks."""
    upcoming = list(
        Session.objects.filter(cancelled_at__isnull=True, starts_at__gt=now).values_list(
            "pk", flat=True
        )
    )
    if not upcoming:
        return []
    return list(
        Attendance.objects.filter(session_id__in=upcoming)
        .order_by()
        .values("enrollment_id")
        .annotate(
            attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
            excused=Count("pk", filter=Q(status=A.EXCUSED)),
        )
        .values_list("enrollment_id", "attended", "excused")
    )


def _in_list(params: dict, name: str, values) -> str:
    """`(%(name_0)s, …)` for an IN list, the values added to params (no driver expands tuples)."""
    for i, value in enumerate(values):
        params[f"{name}_{i}"] = value
    return "(" + ", ".join(f"%({name}_{i})s" for i in range(len(values))) + ")"


def _rates_by(*, program: str, status: str, now: datetime) -> dict[tuple[str, str], Rates]:
    """Rates keyed by ("cohort", id), ("state", code), ("office", type) and ("all", "")."""
    params: dict = {
        "now": now,
        "enrolled": E.ENROLLED,
        "completed": E.COMPLETED,
        "withdrawn": E.WITHDRAWN,
        "waitlisted": E.WAITLISTED,
    }
    # Joins only where needed: the marks made ahead (usually none) and the filters' tables.
    excused, attended, joins = "e.excused_count", "e.attended_count", []
    ahead_sql = ""
    if ahead := _marks_ahead(now):
        values = []
        for i, row in enumerate(ahead):
            keys = [f"a{i}_{k}" for k in range(3)]
            params.update(zip(keys, row, strict=True))
            values.append("(" + ", ".join(f"%({k})s" for k in keys) + ")")
        ahead_sql = f"ahead (enrollment_id, attended, excused) AS (VALUES {', '.join(values)}),"
        joins.append("LEFT JOIN ahead a ON a.enrollment_id = e.id")
        excused = "e.excused_count - COALESCE(a.excused, 0)"
        attended = "e.attended_count - COALESCE(a.attended, 0)"
    filters = ""
    if program or status:
        joins.append("JOIN {cohort} c ON c.id = e.cohort_id")
    if program:
        joins.append("JOIN {program} p ON p.id = c.program_id")
        filters += " AND p.slug = %(program)s"
        params["program"] = program
    if status:
        filters += " AND c.status = %(status)s"
        params["status"] = status
    # Only the module's constants go into the text; every value is a parameter.
    if connection.vendor == "postgresql":
        groupings = GROUPING_SETS
    else:
        groupings = "\nUNION ALL\n".join(
            f"SELECT '{kind}', {key}, {RATES_COLUMNS} FROM people"  # noqa: S608
            + ("" if kind == "all" else f" GROUP BY {key}")
            for kind, key in GROUPINGS.items()
        )
    sql = (
        (
            RATES_SQL.replace("{joins}", "\n    ".join(joins)).format(
                session=Session._meta.db_table,
                enrollment=Enrollment._meta.db_table,
                user=Enrollment._meta.get_field("user").related_model._meta.db_table,
                cohort=Cohort._meta.db_table,
                program=Program._meta.db_table,
                ahead=ahead_sql,
                excused=excused,
                attended=attended,
                filters=filters,
                groupings=groupings,
            )
        )
        .replace("%(listed)s", _in_list(params, "listed", (*COUNTED_STATUSES, E.WAITLISTED)))
        .replace("%(seat)s", _in_list(params, "seat", Enrollment.SEAT_HOLDING))
    )
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            kind, key, enrolled, completed, withdrawn, rated, rate_sum, seats, waitlist = row
            if kind != "cohort" and not (enrolled or completed or withdrawn):
                continue  # only people waiting, or no one at all
            out[(kind, key or "")] = {
                "seats_taken": int(seats or 0),
                "waitlist": int(waitlist or 0),
                "enrolled": int(enrolled or 0),
                "completed": int(completed or 0),
                "withdrawn": int(withdrawn or 0),
                "rated": int(rated or 0),
                "average_attendance": float(rate_sum) / int(rated) if rated else None,
            }
    return out


# What the rates are computed from, in one cheap statement: every write that can change them
# (an enrollment's status, a mark through attendance_recount, a session, a cohort) moves a
# count or a latest time here, and so does the clock, through the sessions that have started.
# Profile edits (state, office) make the "staff-report" namespace stale instead.
FINGERPRINT_SQL = """
SELECT (SELECT COUNT(*) FROM {enrollment}), (SELECT MAX(updated_at) FROM {enrollment}),
    (SELECT COUNT(*) FROM {session} WHERE cancelled_at IS NULL AND starts_at <= %(now)s),
    (SELECT COUNT(*) FROM {session}), (SELECT MAX(updated_at) FROM {session}),
    (SELECT MAX(updated_at) FROM {cohort})
"""


def _rates_cached(*, program: str, status: str, now: datetime) -> dict[tuple[str, str], dict]:
    """`_rates_by`, kept in the fragments cache (Redis) until its fingerprint moves."""
    if not fragments.enabled():
        return _rates_by(program=program, status=status, now=now)
    sql = FINGERPRINT_SQL.format(
        enrollment=Enrollment._meta.db_table,
        session=Session._meta.db_table,
        cohort=Cohort._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now})
        fingerprint = "|".join(str(value) for value in cursor.fetchone())
    key = hashlib.sha256(f"{program}|{status}|{fingerprint}".encode()).hexdigest()
    return fragments.cached(
        "staff-report",
        key,
        lambda: _rates_by(program=program, status=status, now=now),
    )


def _rates(key, label, row: dict | None) -> Rates:
    row = row or {}
    return Rates(
        key=key,
        label=label,
        enrolled=row.get("enrolled", 0),
        completed=row.get("completed", 0),
        withdrawn=row.get("withdrawn", 0),
        rated=row.get("rated", 0),
        average_attendance=row.get("average_attendance"),
    )


STATE_NAMES = dict(US_STATES)


def _grouped(rates: dict, kind: str, labels: dict, none_label: str) -> list[Rates]:
    out = [
        _rates(key, labels.get(key, key) if key else none_label, row)
        for (k, key), row in rates.items()
        if k == kind
    ]
    return sorted(out, key=lambda r: (not r.key, str(r.label).lower()))


def staff_report(*, program: str = "", status: str = "", now=None) -> StaffReport:
    """Four queries: programs, cohorts, upcoming sessions, then every count and rate at once
    (five when someone was excused ahead of a session)."""
    now = now or timezone.now()
    programs = list(
        Program.objects.exclude(status=Program.Status.ARCHIVED)
        .only("pk", "slug", "title")
        .order_by("title")
    )
    if program not in {p.slug for p in programs}:
        program = ""
    if status not in Cohort.Status.values:
        status = ""
    cohorts = Cohort.objects.select_related("program")
    if program:
        cohorts = cohorts.filter(program__slug=program)
    if status:
        cohorts = cohorts.filter(status=status)
    rates = _rates_cached(program=program, status=status, now=now)
    lines = []
    for c in cohorts.order_by("-starts_on", "name"):
        row = rates.get(("cohort", str(c.pk)), {})
        c.seats_taken, c.waitlist_count = row.get("seats_taken", 0), row.get("waitlist", 0)
        lines.append(CohortLine(c, _rates(c.slug, c.name, row)))
    return StaffReport(
        cohorts=lines,
        totals=_rates("all", _("All cohorts"), rates.get(("all", ""))),
        by_state=_grouped(rates, "state", STATE_NAMES, _("State not given")),
        by_office=_grouped(rates, "office", dict(OfficeType.choices), _("Office not given")),
        programs=programs,
        program=program,
        status=status,
    )


def staff_report_table(report: StaffReport) -> Iterable[list]:
    """The staff report as CSV rows: one table, a "Group" column tells the rows apart."""
    yield [
        _("Group"),
        _("Name"),
        _("Program"),
        _("Cohort status"),
        _("Starts on"),
        _("Ends on"),
        _("Seats taken"),
        _("Capacity"),
        _("Waitlist"),
        _("Enrolled"),
        _("Completed"),
        _("Withdrawn"),
        _("Completion rate (%)"),
        _("Average attendance (%)"),
    ]

    def rates(r: Rates) -> list:
        return [r.enrolled, r.completed, r.withdrawn, r.completion_rate, r.attendance_rate]

    for line in report.cohorts:
        c = line.cohort
        yield [
            _("Cohort"),
            c.name,
            c.program.title,
            c.get_status_display(),
            c.starts_on.isoformat(),
            c.ends_on.isoformat(),
            c.seats_taken,
            c.capacity,
            c.waitlist_count,
            *rates(line.rates),
        ]
    for group, rows in ((_("State"), report.by_state), (_("Office type"), report.by_office)):
        for r in rows:
            yield [group, str(r.label), "", "", "", "", "", "", "", *rates(r)]
    t = report.totals
    yield [
        _("All"),
        str(t.label),
        "",
        "",
        "",
        "",
        report.seats_taken,
        report.capacity,
        report.waitlist,
        *rates(t),
    ]
