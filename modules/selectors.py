"""Reads composed for curriculum pages: a fixed number of queries whatever the size."""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from academy import fragments
from academy.validators import without_control_characters
from modules.models import IssueArea, Lesson, Module, Program, lesson_kind_label

# The fragments namespace (academy.fragments) of everything built from the curriculum: every
# service in modules.services makes it stale.
CURRICULUM = "curriculum"

OUTLINE_LESSON_FIELDS = (
    "id",
    "module_id",
    "title",
    "kind",
    "position",
    "required",
    "estimated_minutes",
)


@dataclass
class Catalog:
    programs: list[Program]
    areas: list[IssueArea]
    area: IssueArea | None
    query: str
    results: "SearchResults | None" = None


@dataclass
class SearchResults:
    query: str
    programs: list[Program] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.programs) + len(self.modules) + len(self.lessons)


def clean_query(query: str) -> str:
    return without_control_characters(query).strip()[:200]


def catalog(*, area_slug: str = "", query: str = "") -> Catalog:
    areas = list(
        IssueArea.objects.annotate(
            program_count=Count("programs", filter=Q(programs__status=Program.Status.PUBLISHED))
        ).filter(program_count__gt=0)
    )
    area = next((a for a in areas if a.slug == area_slug), None)
    programs = Program.objects.published().with_outline_totals().prefetch_related("issue_areas")
    if area:
        programs = programs.filter(issue_areas=area)
    query = clean_query(query)
    results = search_curriculum(query) if query else None
    if results is not None:
        matched = {p.pk for p in results.programs}
        matched |= {m.program_id for m in results.modules}
        matched |= {lesson.module.program_id for lesson in results.lessons}
        programs = programs.filter(pk__in=matched)
    return Catalog(programs=list(programs), areas=areas, area=area, query=query, results=results)


def search_curriculum(query: str, *, limit: int = 20) -> SearchResults:
    """Published programs, modules and lessons matching `query`: PostgreSQL full-text search
    (ranked, stemmed) when available, a case-insensitive substring match on SQLite."""
    published = Q(status=Program.Status.PUBLISHED)
    programs = Program.objects.filter(published)
    modules = Module.objects.filter(program__status=Program.Status.PUBLISHED).select_related(
        "program"
    )
    lessons = (
        Lesson.objects.filter(module__program__status=Program.Status.PUBLISHED)
        .select_related("module__program")
        .only(
            *OUTLINE_LESSON_FIELDS,
            "module__title",
            "module__position",
            "module__program__slug",
            "module__program__title",
        )
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        search = SearchQuery(query, search_type="websearch", config="english")

        def ranked(qs: QuerySet, *fields: tuple[str, str]) -> QuerySet:
            vector = SearchVector(*(f for f, _w in fields[:1]), weight="A", config="english")
            for name, weight in fields[1:]:
                vector = vector + SearchVector(name, weight=weight, config="english")
            return (
                qs.annotate(rank=SearchRank(vector, search)).filter(rank__gt=0.01).order_by("-rank")
            )

        programs = ranked(programs, ("title", "A"), ("summary", "B"), ("description", "C"))
        modules = ranked(modules, ("title", "A"), ("summary", "B"))
        lessons = ranked(lessons, ("title", "A"), ("body", "B"), ("transcript", "C"))
    else:
        programs = programs.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(description__icontains=query)
        )
        modules = modules.filter(Q(title__icontains=query) | Q(summary__icontains=query))
        lessons = lessons.filter(
            Q(title__icontains=query) | Q(body__icontains=query) | Q(transcript__icontains=query)
        )
    return SearchResults(
        query=query,
        programs=list(programs[:limit]),
        modules=list(modules[:limit]),
        lessons=list(lessons[:limit]),
    )


def outline_lessons() -> QuerySet:
    return Lesson.objects.only(*OUTLINE_LESSON_FIELDS).order_by("position")


def program_page(*, slug: str, include_unpublished: bool = False) -> Program:
    """A program with its modules and lessons (three queries), plus totals computed from them."""
    programs = Program.objects.all() if include_unpublished else Program.objects.published()
    program = (
        programs.prefetch_related(
            "issue_areas",
            Prefetch(
                "modules",
                queryset=Module.objects.order_by("position").prefetch_related(
                    Prefetch("lessons", queryset=outline_lessons())
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if program is None:
        raise Program.DoesNotExist
    _add_outline_totals(program)
    return program


@dataclass(frozen=True)
class LessonSummary:
    """A lesson in a learner's outline: what the outline, the lesson list and the pager show
    (the lesson itself is read with `lesson_for_learner`)."""

    pk: int
    title: str
    kind: str
    required: bool
    estimated_minutes: int

    @property
    def kind_label(self) -> str:
        return lesson_kind_label(self.kind)


@dataclass(frozen=True)
class ModuleSummary:
    pk: int
    title: str
    required: bool
    lessons: tuple[LessonSummary, ...]


def program_outlines(program_ids: Iterable[int]) -> dict[int, list[ModuleSummary]]:
    """Each program's modules in order, each with its lessons in order (plain values, cheap
    to keep): two queries for any number of programs, none when the fragments cache has them."""

    def build(keys: list[str]) -> dict[str, list[ModuleSummary]]:
        ids = [int(key.removeprefix("outline:")) for key in keys]
        lessons: dict[int, list[LessonSummary]] = {}
        rows = (
            Lesson.objects.filter(module__program_id__in=ids)
            .order_by("position")
            .values_list("module_id", "pk", "title", "kind", "required", "estimated_minutes")
        )
        for module_id, *fields in rows:
            lessons.setdefault(module_id, []).append(LessonSummary(*fields))
        outlines: dict[int, list[ModuleSummary]] = {pk: [] for pk in ids}
        modules = (
            Module.objects.filter(program_id__in=ids)
            .order_by("position")
            .values_list("program_id", "pk", "title", "required")
        )
        for program_id, pk, title, required in modules:
            module = ModuleSummary(pk, title, required, tuple(lessons.get(pk, ())))
            outlines[program_id].append(module)
        return {f"outline:{pk}": modules for pk, modules in outlines.items()}

    found = fragments.cached_many(CURRICULUM, [f"outline:{pk}" for pk in program_ids], build)
    return {int(key.removeprefix("outline:")): modules for key, modules in found.items()}


@dataclass(frozen=True)
class LessonStep:
    """A lesson as a step of its program: what progress summaries need of it."""

    pk: int
    title: str
    counts: bool  # required, in a required module: the completion policy counts it


def program_steps(program_ids: Iterable[int]) -> dict[int, list[LessonStep]]:
    """Each program's lessons in order: one query for any number of programs, none when the
    fragments cache has them."""

    def build(keys: list[str]) -> dict[str, list[LessonStep]]:
        steps: dict[int, list[LessonStep]] = {int(key.removeprefix("steps:")): [] for key in keys}
        rows = (
            Lesson.objects.filter(module__program_id__in=list(steps))
            .order_by("module__position", "position")
            .values_list("module__program_id", "pk", "title", "required", "module__required")
        )
        for program_id, pk, title, required, module_required in rows:
            steps[program_id].append(LessonStep(pk, title, required and module_required))
        return {f"steps:{pk}": program_steps for pk, program_steps in steps.items()}

    found = fragments.cached_many(CURRICULUM, [f"steps:{pk}" for pk in program_ids], build)
    return {int(key.removeprefix("steps:")): steps for key, steps in found.items()}


def lesson_for_learner(*, pk: int) -> Lesson | None:
    """A lesson with its module (and a knowledge check's questions and answers), or None."""

    def build(keys: list[str]) -> dict[str, Lesson]:
        lesson = Lesson.objects.select_related("module").filter(pk=pk).first()
        if lesson is None:
            return {}
        if lesson.kind == Lesson.Kind.KNOWLEDGE_CHECK:
            prefetch_related_objects([lesson], "questions__choices")
        return {keys[0]: lesson}

    return fragments.cached_many(CURRICULUM, [f"lesson:{pk}"], build).get(f"lesson:{pk}")


def without_outline(program: Program) -> Program:
    """A copy of `program` without its prefetched modules and lessons, to keep in a cache."""
    light = copy.copy(program)
    light._prefetched_objects_cache = {}
    return light


def _add_outline_totals(program: Program) -> None:
    program.lesson_minutes = 0
    program.lesson_count = 0
    for module in program.modules.all():
        lessons = module.lessons.all()
        module.lesson_minutes = sum(lesson.estimated_minutes for lesson in lessons)
        module.total_minutes = module.lesson_minutes + module.estimated_minutes
        program.lesson_minutes += module.total_minutes
        program.lesson_count += len(lessons)


def studio_programs(*, status: str = "") -> list[Program]:
    programs = (
        Program.objects.with_outline_totals()
        .prefetch_related("issue_areas")
        .order_by("status", "title")
    )
    if status in Program.Status.values:
        programs = programs.filter(status=status)
    return list(programs)


def program_for_editing(*, pk: int) -> Program:
    program = Program.objects.prefetch_related(
        "issue_areas",
        Prefetch(
            "modules",
            queryset=Module.objects.order_by("position").prefetch_related(
                Prefetch(
                    "lessons",
                    queryset=outline_lessons().annotate(question_count=Count("questions")),
                )
            ),
        ),
    ).get(pk=pk)
    _add_outline_totals(program)
    return program


def lesson_for_preview(*, pk: int) -> Lesson:
    return (
        Lesson.objects.select_related("module__program")
        .prefetch_related("questions__choices")
        .get(pk=pk)
    )
