"""The lesson player: a participant works through their cohort's program.

Every view loads the person's own seat in the cohort (enrolled or completed) and reaches the
lesson through the cohort's program: anyone else gets a 404, fragments included. Facilitators
and staff who are not enrolled preview lessons in the studio instead.

Regions of the lesson page that HTMX swaps are partials of `cohorts/learn/lesson.html`; a
change of progress announces itself with the client event "progress-changed", on which the
progress bars (and, where they depend on it, the status and the pager) fetch themselves again.
"""

import hashlib
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from academy import fragments
from academy.htmx import HtmxHttpRequest, see_other, targets
from cohorts import selectors, services
from cohorts.models import Enrollment
from cohorts.services.progress import CheckResult
from modules import selectors as curriculum
from modules.models import Lesson

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
PROGRESS_CHANGED = "progress-changed"
MARKABLE = (Lesson.Kind.READING, Lesson.Kind.VIDEO, Lesson.Kind.RESOURCE)
PAGE = "cohorts/learn/lesson.html"
# Element id on the lesson page → the partial that renders it.
REGIONS = {
    "lesson-status": "status",
    "lesson-pager": "pager",
    "progress-bars": "progress",
    "quiz": "quiz",
    "reflection": "reflection",
}


def _enrollment(request: HtmxHttpRequest, slug: str, *, reading: bool = False) -> Enrollment:
    """The person's seat. `reading`: for a page that only reads, with its progress, from the
    fragments cache when it has them (selectors.member_seat)."""
    if reading and fragments.enabled():
        enrollment = selectors.member_seat(user=request.user, slug=slug)
        if enrollment is None:
            raise Http404
        return enrollment
    return get_object_or_404(
        Enrollment.objects.select_related("cohort__program"),
        cohort__slug=slug,
        user=request.user,
        status__in=Enrollment.SEAT_HOLDING,
    )


def _lesson(enrollment: Enrollment, lesson_pk: int) -> Lesson:
    lesson = curriculum.lesson_for_learner(pk=lesson_pk)
    if lesson is None or lesson.module.program_id != enrollment.cohort.program_id:
        raise Http404
    return lesson


def _lesson_url(enrollment: Enrollment, lesson_pk: int) -> str:
    return reverse("cohorts:lesson", args=[enrollment.cohort.slug, lesson_pk])


def _mark_outcomes(lesson: Lesson, check: CheckResult) -> None:
    """Hang each question's result and each choice's "chosen" on the prefetched objects,
    so the lesson template can show the feedback next to the question it belongs to."""
    results = {r.question_id: r for r in check.questions}
    for question in lesson.questions.all():
        question.outcome = results.get(question.pk)
        chosen = question.outcome.chosen if question.outcome else set()
        for choice in question.choices.all():
            choice.chosen = choice.pk in chosen


def _lesson_context(enrollment: Enrollment, lesson: Lesson, **extra) -> dict:
    """Everything the lesson page and its partials read, in a fixed number of queries."""
    outline = selectors.learner_outline(enrollment=enrollment)
    items = outline.items()
    index = next(i for i, item in enumerate(items) if item.lesson.pk == lesson.pk)
    item = items[index]
    module_index, module_item = next(
        (n, m) for n, m in enumerate(outline.modules, start=1) if m.module.pk == lesson.module_id
    )
    slug = enrollment.cohort.slug
    check = extra.get("check")
    if check is not None:
        _mark_outcomes(lesson, check)
    return {
        "cohort": enrollment.cohort,
        "program": enrollment.cohort.program,
        "enrollment": enrollment,
        "lesson": lesson,
        "outline": outline,
        "item": item,
        "progress": item.progress,
        "locked": not item.unlocked,
        "markable": lesson.kind in MARKABLE,
        "module_item": module_item,
        "module_number": module_index,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
        "next_available": outline.next_item(),
        "interactive": True,
        "lesson_url": _lesson_url(enrollment, lesson.pk),
        "complete_url": reverse("cohorts:lesson_complete", args=[slug, lesson.pk]),
        "check_url": reverse("cohorts:lesson_check", args=[slug, lesson.pk]),
        "reflect_url": reverse("cohorts:lesson_reflect", args=[slug, lesson.pk]),
        "bars_url": reverse("cohorts:progress_bars", args=[slug, lesson.pk]),
        "learn_url": reverse("cohorts:learn", args=[slug]),
        "reflection_text": item.progress.reflection_text if item.progress else "",
        **extra,
    }


def _respond(
    request: HtmxHttpRequest,
    enrollment: Enrollment,
    lesson: Lesson,
    region: str,
    *,
    status: int = HTTPStatus.OK,
    **extra,
) -> HttpResponse:
    """The region HTMX asked for, or else the whole lesson page."""
    context = _lesson_context(enrollment, lesson, **extra)
    template = f"{PAGE}#{REGIONS[region]}" if targets(request, region) else PAGE
    return render(request, template, context, status=status)


# --- Pages --------------------------------------------------------------------------------


@require_GET
@login_required
def outline(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Modules and lessons with this person's progress, where to continue, and what is
    left for completion."""
    enrollment = _enrollment(request, slug)
    learner = selectors.learner_outline(enrollment=enrollment)
    policy = selectors.policy_status(enrollment=enrollment)
    continue_item = learner.next_item()
    return render(
        request,
        "cohorts/learn/outline.html",
        {
            "cohort": enrollment.cohort,
            "program": enrollment.cohort.program,
            "enrollment": enrollment,
            "outline": learner,
            "continue_item": continue_item,
            "started": any(item.done for item in learner.items()),
            "policy": policy,
            "checklist": policy.checklist(),
        },
    )


def _progress_html(context: dict) -> str:
    """The progress bars and the module's lesson list beside a lesson, rendered once for each
    state they can show (no request: nothing in them is anyone's own). The key holds all the
    partial reads besides the curriculum (whose version the namespace holds)."""
    outline, module_item, up_next = (
        context["outline"],
        context["module_item"],
        context["next_available"],
    )
    state = (
        context["cohort"].slug,
        context["lesson"].pk,
        context["module_number"],
        outline.percent,
        module_item.percent,
        up_next.lesson.pk if up_next else None,
        [
            (item.lesson.pk, item.done, item.unlocked, item.progress and item.progress.score)
            for item in module_item.lessons
        ],
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()[:24]
    return fragments.cached(
        curriculum.CURRICULUM,
        f"lesson-progress:{get_language()}:{digest}",
        lambda: render_to_string(f"{PAGE}#progress", context),
    )


def _reading_context(enrollment: Enrollment, lesson: Lesson) -> dict:
    context = _lesson_context(enrollment, lesson)
    if fragments.enabled():
        context["progress_html"] = _progress_html(context)
    return context


@require_GET
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def lesson(request: HtmxHttpRequest, slug: str, lesson_pk: int) -> HttpResponse:
    """One lesson in the cohort's context, or the region of it that HTMX asks for
    ("Try again" fetches a fresh quiz; status and pager refresh on progress-changed)."""
    enrollment = _enrollment(request, slug, reading=True)
    lesson = _lesson(enrollment, lesson_pk)
    context = _reading_context(enrollment, lesson)
    for element_id, partial in REGIONS.items():
        if targets(request, element_id):
            if partial == "progress" and context.get("progress_html"):
                return HttpResponse(context["progress_html"])
            return render(request, f"{PAGE}#{partial}", context)
    return render(request, PAGE, context)


@require_GET
@login_required
def progress_bars(request: HtmxHttpRequest, slug: str, lesson_pk: int) -> HttpResponse:
    """The overall and module bars (and the module's lesson list) beside a lesson."""
    enrollment = _enrollment(request, slug, reading=True)
    context = _reading_context(enrollment, _lesson(enrollment, lesson_pk))
    if context.get("progress_html"):
        return HttpResponse(context["progress_html"])
    return render(request, f"{PAGE}#progress", context)


# --- Writes -------------------------------------------------------------------------------


@require_POST
@login_required
def lesson_complete(request: HtmxHttpRequest, slug: str, lesson_pk: int) -> HttpResponse:
    """Mark a reading, video or resource done; repeating it changes nothing."""
    enrollment = _enrollment(request, slug)
    lesson = _lesson(enrollment, lesson_pk)
    try:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    except ValidationError as exc:
        return _respond(
            request, enrollment, lesson, "lesson-status", status=UNPROCESSABLE, errors=exc.messages
        )
    if targets(request, "lesson-status"):
        response = _respond(request, enrollment, lesson, "lesson-status", just_completed=True)
        return trigger_client_event(response, PROGRESS_CHANGED)
    messages.success(request, _("Lesson marked complete."))
    return see_other(request, _lesson_url(enrollment, lesson.pk))


def _is_id(text: str) -> bool:
    """A primary key as a browser sends it: ASCII digits, within a bigint. ("²" and "٣" are
    digits to str.isdigit(); int() refuses the first and 5,000 digits.)"""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _answers(data: QueryDict) -> dict[int, set[int]]:
    """{question id: chosen choice ids} from fields named q<question id>; the service
    ignores questions and choices that are not part of the lesson."""
    answers: dict[int, set[int]] = {}
    for key in data:
        if key.startswith("q") and _is_id(key[1:]):
            answers[int(key[1:])] = {int(v) for v in data.getlist(key) if _is_id(v)}
    return answers


@require_POST
@login_required
def lesson_check(request: HtmxHttpRequest, slug: str, lesson_pk: int) -> HttpResponse:
    """Score a knowledge-check attempt and show the feedback at once. Without JavaScript the
    whole page comes back with the feedback (there is nothing to redirect to)."""
    enrollment = _enrollment(request, slug)
    lesson = _lesson(enrollment, lesson_pk)
    try:
        check = services.knowledge_check_submit(
            enrollment=enrollment, lesson=lesson, answers=_answers(request.POST)
        )
    except ValidationError as exc:
        return _respond(
            request, enrollment, lesson, "quiz", status=UNPROCESSABLE, quiz_errors=exc.messages
        )
    response = _respond(request, enrollment, lesson, "quiz", check=check)
    if check.passed:
        trigger_client_event(response, PROGRESS_CHANGED)
    return response


@require_POST
@login_required
def lesson_reflect(request: HtmxHttpRequest, slug: str, lesson_pk: int) -> HttpResponse:
    """Send (or re-send) a reflection for a facilitator to read."""
    enrollment = _enrollment(request, slug)
    lesson = _lesson(enrollment, lesson_pk)
    text = request.POST.get("text", "")
    try:
        services.reflection_submit(enrollment=enrollment, lesson=lesson, text=text)
    except ValidationError as exc:
        errors = exc.message_dict.get("text", []) if hasattr(exc, "error_dict") else []
        return _respond(
            request,
            enrollment,
            lesson,
            "reflection",
            status=UNPROCESSABLE,
            reflection_errors=errors or exc.messages,
            reflection_text=text,
        )
    if targets(request, "reflection"):
        response = _respond(request, enrollment, lesson, "reflection", reflection_saved=True)
        return trigger_client_event(response, PROGRESS_CHANGED)
    messages.success(request, _("Reflection sent. A facilitator will read it."))
    return see_other(request, _lesson_url(enrollment, lesson.pk))
