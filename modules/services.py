"""Every write to the curriculum. Callers are authorised already (staff)."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import fragments
from modules.markdown import render_markdown
from modules.models import Choice, IssueArea, Lesson, Module, Program, Question
from modules.selectors import CURRICULUM

PROGRAM_FIELDS = ("title", "slug", "summary", "description", "estimated_hours")
MODULE_FIELDS = ("title", "summary", "required", "estimated_minutes")
LESSON_FIELDS = (
    "title",
    "kind",
    "required",
    "estimated_minutes",
    "body",
    "video_url",
    "transcript",
    "resource_file",
    "resource_url",
    "reflection_prompt",
    "pass_mark",
)


def _changes_curriculum[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Every write: cached outlines and rendered pages of the curriculum become stale."""

    @wraps(service)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        result = service(*args, **kwargs)
        fragments.changed(CURRICULUM)
        return result

    return wrapped


def _apply(obj, data: dict, fields: Iterable[str]) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


# --- Programs ---------------------------------------------------------------------


@_changes_curriculum
@transaction.atomic
def program_create(
    *,
    title: str,
    slug: str,
    summary: str,
    description: str = "",
    estimated_hours: int = 0,
    issue_areas: Iterable[IssueArea] = (),
) -> Program:
    program = Program(
        title=title,
        slug=slug,
        summary=summary,
        description=description,
        description_html=render_markdown(description),
        estimated_hours=estimated_hours,
    )
    program.full_clean()
    program.save()
    program.issue_areas.set(issue_areas)
    return program


@_changes_curriculum
@transaction.atomic
def program_update(*, program: Program, data: dict) -> Program:
    _apply(program, data, PROGRAM_FIELDS)
    program.description_html = render_markdown(program.description)
    program.full_clean()
    program.save()
    if "issue_areas" in data:
        program.issue_areas.set(data["issue_areas"])
    return program


def program_publish_problems(program: Program) -> list[str]:
    """What stands between this program and publication, in words staff can act on."""
    problems = []
    modules = list(program.modules.prefetch_related("lessons__questions__choices"))
    if not modules:
        problems.append(_("Add at least one module."))
    for module in modules:
        lessons = list(module.lessons.all())
        if not lessons:
            problems.append(_("Module “%(module)s” has no lessons.") % {"module": module.title})
        for lesson in lessons:
            if lesson.kind != Lesson.Kind.KNOWLEDGE_CHECK:
                continue
            questions = list(lesson.questions.all())
            if not questions:
                problems.append(
                    _("Knowledge check “%(lesson)s” has no questions.") % {"lesson": lesson.title}
                )
            for question in questions:
                if not any(c.is_correct for c in question.choices.all()):
                    problems.append(
                        _("A question in “%(lesson)s” has no correct answer.")
                        % {"lesson": lesson.title}
                    )
    return problems


@_changes_curriculum
@transaction.atomic
def program_publish(*, program: Program) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.ARCHIVED:
        raise ValidationError(_("Restore the program before publishing it."))
    if problems := program_publish_problems(program):
        raise ValidationError(problems)
    program.status = Program.Status.PUBLISHED
    program.published_at = program.published_at or timezone.now()
    program.save(update_fields=["status", "published_at", "updated_at"])
    return program


@_changes_curriculum
@transaction.atomic
def program_unpublish(*, program: Program) -> Program:
    program.status = Program.Status.DRAFT
    program.save(update_fields=["status", "updated_at"])
    return program


@_changes_curriculum
@transaction.atomic
def program_archive(*, program: Program) -> Program:
    program.status = Program.Status.ARCHIVED
    program.save(update_fields=["status", "updated_at"])
    return program


@_changes_curriculum
@transaction.atomic
def program_restore(*, program: Program) -> Program:
    """Bring an archived program back as a draft."""
    program.status = Program.Status.DRAFT
    program.save(update_fields=["status", "updated_at"])
    return program


@_changes_curriculum
@transaction.atomic
def program_delete(*, program: Program) -> None:
    """Only a draft that was never published and that nothing refers to; otherwise archive."""
    if program.published_at is not None:
        raise ValidationError(_("This program has been published; archive it instead."))
    try:
        program.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Other records refer to this program; archive it instead.")
        ) from exc


@_changes_curriculum
@transaction.atomic
def program_duplicate(*, program: Program, title: str, slug: str) -> Program:
    """Deep copy (modules, lessons, questions, answers) as a new draft."""
    copy = program_create(
        title=title,
        slug=slug,
        summary=program.summary,
        description=program.description,
        estimated_hours=program.estimated_hours,
        issue_areas=program.issue_areas.all(),
    )
    for module in program.modules.prefetch_related("lessons__questions__choices"):
        module_copy = Module.objects.create(
            program=copy,
            **{f: getattr(module, f) for f in (*MODULE_FIELDS, "position")},
        )
        for lesson in module.lessons.all():
            lesson_copy = Lesson.objects.create(
                module=module_copy,
                body_html=lesson.body_html,
                **{f: getattr(lesson, f) for f in (*LESSON_FIELDS, "position")},
            )
            for question in lesson.questions.all():
                question_copy = Question.objects.create(
                    lesson=lesson_copy,
                    prompt=question.prompt,
                    kind=question.kind,
                    explanation=question.explanation,
                    position=question.position,
                )
                Choice.objects.bulk_create(
                    Choice(
                        question=question_copy,
                        text=c.text,
                        is_correct=c.is_correct,
                        position=c.position,
                    )
                    for c in question.choices.all()
                )
    return copy


# --- Ordering ------------------------------------------------------------------------


def _move(obj, *, siblings, direction: str) -> bool:
    """Swap `obj` with its neighbour in `direction` ("up" or "down"). False at the edge."""
    if direction not in {"up", "down"}:
        raise ValidationError(_("Unknown direction."))
    locked = list(siblings.select_for_update().order_by("position"))
    index = next(i for i, s in enumerate(locked) if s.pk == obj.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(locked):
        return False
    me, other = locked[index], locked[other_index]
    # Park one row past the end so the unique (parent, position) constraint holds at every step.
    parked = locked[-1].position + 1
    mine, theirs = me.position, other.position
    type(obj).objects.filter(pk=me.pk).update(position=parked)
    type(obj).objects.filter(pk=other.pk).update(position=mine)
    type(obj).objects.filter(pk=me.pk).update(position=theirs)
    obj.position = theirs
    return True


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


# --- Modules -------------------------------------------------------------------------


@_changes_curriculum
@transaction.atomic
def module_create(
    *,
    program: Program,
    title: str,
    summary: str = "",
    required: bool = True,
    estimated_minutes: int = 0,
) -> Module:
    Program.objects.select_for_update().filter(pk=program.pk).first()
    module = Module(
        program=program,
        title=title,
        summary=summary,
        required=required,
        estimated_minutes=estimated_minutes,
        position=_next_position(program.modules.all()),
    )
    module.full_clean()
    module.save()
    return module


@_changes_curriculum
@transaction.atomic
def module_update(*, module: Module, data: dict) -> Module:
    _apply(module, data, MODULE_FIELDS)
    module.full_clean()
    module.save()
    return module


@_changes_curriculum
@transaction.atomic
def module_move(*, module: Module, direction: str) -> bool:
    return _move(
        module, siblings=Module.objects.filter(program_id=module.program_id), direction=direction
    )


@_changes_curriculum
@transaction.atomic
def module_delete(*, module: Module) -> None:
    if module.program.published_at is not None:
        raise ValidationError(
            _(
                "Modules of a program that has been published cannot be deleted; mark it optional instead."
            )
        )
    try:
        module.delete()
    except ProtectedError as exc:
        raise ValidationError(_("Participants' records refer to this module.")) from exc


# --- Lessons -------------------------------------------------------------------------


@_changes_curriculum
@transaction.atomic
def lesson_create(
    *, module: Module, title: str, kind: str = Lesson.Kind.READING, **fields
) -> Lesson:
    Module.objects.select_for_update().filter(pk=module.pk).first()
    lesson = Lesson(
        module=module, title=title, kind=kind, position=_next_position(module.lessons.all())
    )
    _apply(lesson, fields, LESSON_FIELDS)
    lesson.body_html = render_markdown(lesson.body)
    lesson.full_clean()
    lesson.save()
    return lesson


@_changes_curriculum
@transaction.atomic
def lesson_update(*, lesson: Lesson, data: dict) -> Lesson:
    _apply(lesson, data, LESSON_FIELDS)
    lesson.body_html = render_markdown(lesson.body)
    lesson.full_clean()
    lesson.save()
    return lesson


@_changes_curriculum
@transaction.atomic
def lesson_move(*, lesson: Lesson, direction: str) -> bool:
    return _move(
        lesson, siblings=Lesson.objects.filter(module_id=lesson.module_id), direction=direction
    )


@_changes_curriculum
@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    if lesson.module.program.published_at is not None:
        raise ValidationError(
            _(
                "Lessons of a program that has been published cannot be deleted; mark it optional instead."
            )
        )
    try:
        lesson.delete()
    except ProtectedError as exc:
        raise ValidationError(_("Participants' records refer to this lesson.")) from exc


# --- Knowledge-check questions ---------------------------------------------------------


@_changes_curriculum
@transaction.atomic
def question_create(
    *,
    lesson: Lesson,
    prompt: str,
    choices: list[tuple[str, bool]],
    kind: str = Question.Kind.SINGLE,
    explanation: str = "",
) -> Question:
    if lesson.kind != Lesson.Kind.KNOWLEDGE_CHECK:
        raise ValidationError(_("Only knowledge checks have questions."))
    question = Question(
        lesson=lesson,
        prompt=prompt,
        kind=kind,
        explanation=explanation,
        position=_next_position(lesson.questions.all()),
    )
    question.full_clean()
    question.save()
    _set_choices(question, choices)
    return question


@_changes_curriculum
@transaction.atomic
def question_update(
    *,
    question: Question,
    prompt: str,
    choices: list[tuple[str, bool]],
    kind: str,
    explanation: str = "",
) -> Question:
    question.prompt, question.kind, question.explanation = prompt, kind, explanation
    question.full_clean()
    question.save()
    question.choices.all().delete()
    _set_choices(question, choices)
    return question


def _set_choices(question: Question, choices: list[tuple[str, bool]]) -> None:
    choices = [(text.strip(), correct) for text, correct in choices if text.strip()]
    correct = sum(1 for _text, is_correct in choices if is_correct)
    if len(choices) < 2:
        raise ValidationError(_("Give at least two answers."))
    if correct == 0:
        raise ValidationError(_("Mark at least one answer as correct."))
    if question.kind == Question.Kind.SINGLE and correct > 1:
        raise ValidationError(_("A one-answer question has exactly one correct answer."))
    Choice.objects.bulk_create(
        Choice(question=question, text=text, is_correct=is_correct, position=i)
        for i, (text, is_correct) in enumerate(choices, start=1)
    )


@_changes_curriculum
@transaction.atomic
def question_delete(*, question: Question) -> None:
    question.delete()
