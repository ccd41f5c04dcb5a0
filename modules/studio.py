"""Staff authoring ("studio"): programs, modules, lessons and knowledge-check questions.

Every view is staff-only through `staff_required` (others get a 404). Objects are loaded by
primary key, children through their parent.
"""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from academy.access import staff_required
from academy.htmx import HtmxHttpRequest, see_other, targets
from modules import selectors, services
from modules.forms import DuplicateProgramForm, LessonForm, ModuleForm, ProgramForm, QuestionForm
from modules.models import Lesson, Module, Program, Question

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _edit_url(program_id: int, anchor: str = "") -> str:
    url = reverse("modules:studio_program_edit", args=[program_id])
    return f"{url}#{anchor}" if anchor else url


def _form_error(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form it came from."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Programs ----------------------------------------------------------------------


@require_http_methods(["GET"])
@staff_required
def program_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(
        request,
        "modules/studio/program_list.html",
        {
            "programs": selectors.studio_programs(status=status),
            "status": status,
            "statuses": Program.Status.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def program_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                program = services.program_create(**form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Program created. Now add its modules."))
                return see_other(request, _edit_url(program.pk))
        return render(
            request, "modules/studio/program_create.html", {"form": form}, status=UNPROCESSABLE
        )
    return render(request, "modules/studio/program_create.html", {"form": form})


def _editor_context(program_pk: int, **extra) -> dict:
    program = selectors.program_for_editing(pk=program_pk)
    return {
        "program": program,
        "publish_problems": services.program_publish_problems(program)
        if program.status == Program.Status.DRAFT
        else [],
        "module_form": ModuleForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def program_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.program_update(program=program, data=form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Program details saved."))
                if targets(request, "program-details"):
                    response = render(
                        request,
                        "modules/studio/program_edit.html#details",
                        {
                            **_editor_context(pk),
                            "form": ProgramForm(instance=program),
                            "oob_messages": True,
                        },
                    )
                    return trigger_client_event(response, "program-changed")
                return see_other(request, _edit_url(pk))
        template = (
            "modules/studio/program_edit.html#details"
            if targets(request, "program-details")
            else "modules/studio/program_edit.html"
        )
        return render(
            request, template, {**_editor_context(pk), "form": form}, status=UNPROCESSABLE
        )
    return render(
        request, "modules/studio/program_edit.html", {**_editor_context(pk), "form": form}
    )


@require_POST
@staff_required
def program_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    action = request.POST.get("action")
    actions = {
        "publish": (
            services.program_publish,
            _("Published. The program is now in the public catalog."),
        ),
        "unpublish": (services.program_unpublish, _("Unpublished. The program is a draft again.")),
        "archive": (
            services.program_archive,
            _("Archived. It is hidden from the catalog and kept for the record."),
        ),
        "restore": (services.program_restore, _("Restored as a draft.")),
    }
    if action not in actions:
        return HttpResponse(_("Unknown action."), status=HTTPStatus.BAD_REQUEST)
    service, done = actions[action]
    try:
        service(program=program)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        status = UNPROCESSABLE
    else:
        messages.success(request, done)
        status = HTTPStatus.OK
    if targets(request, "program-status"):
        response = render(
            request,
            "modules/studio/program_edit.html#status",
            {**_editor_context(pk), "oob_messages": True},
            status=status,
        )
        return trigger_client_event(response, "program-changed")
    return see_other(request, _edit_url(pk))


@require_http_methods(["GET", "POST"])
@staff_required
def program_duplicate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    initial = {
        "title": _("%(title)s (copy)") % {"title": program.title},
        "slug": f"{program.slug}-copy"[:80],
    }
    form = DuplicateProgramForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            copy = services.program_duplicate(program=program, **form.cleaned_data)
            messages.success(
                request,
                _("Copied “%(title)s” with all its modules and lessons.")
                % {"title": program.title},
            )
            return see_other(request, _edit_url(copy.pk))
        return render(
            request,
            "modules/studio/program_duplicate.html",
            {"program": program, "form": form},
            status=UNPROCESSABLE,
        )
    return render(
        request, "modules/studio/program_duplicate.html", {"program": program, "form": form}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def program_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    context = {"object": program, "kind": _("program"), "cancel_url": _edit_url(pk)}
    if request.method == "POST":
        try:
            services.program_delete(program=program)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(
                request, "modules/studio/confirm_delete.html", context, status=UNPROCESSABLE
            )
        messages.success(request, _("Deleted “%(title)s”.") % {"title": program.title})
        return see_other(request, reverse("modules:studio_program_list"))
    return render(request, "modules/studio/confirm_delete.html", context)


# --- Modules ---------------------------------------------------------------------------


def _outline(
    request: HtmxHttpRequest, program_pk: int, status: int = HTTPStatus.OK, **extra
) -> HttpResponse:
    response = render(
        request,
        "modules/studio/program_edit.html#outline",
        _editor_context(program_pk, **extra),
        status=status,
    )
    return trigger_client_event(response, "program-changed")


@require_POST
@staff_required
def module_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    form = ModuleForm(request.POST, instance=Module(program=program, position=1))
    if form.is_valid():
        try:
            module = services.module_create(program=program, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            if targets(request, "outline"):
                return _outline(
                    request,
                    pk,
                    announcement=_("Added module “%(title)s”.") % {"title": module.title},
                )
            messages.success(request, _("Added module “%(title)s”.") % {"title": module.title})
            return see_other(request, _edit_url(pk, f"module-{module.pk}"))
    if targets(request, "outline"):
        return _outline(request, pk, status=UNPROCESSABLE, module_form=form)
    return render(
        request,
        "modules/studio/program_edit.html",
        {**_editor_context(pk, module_form=form), "form": ProgramForm(instance=program)},
        status=UNPROCESSABLE,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def module_edit(request: HtmxHttpRequest, pk: int, module_pk: int) -> HttpResponse:
    module = get_object_or_404(
        Module.objects.select_related("program"), pk=module_pk, program_id=pk
    )
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST":
        if form.is_valid():
            services.module_update(module=module, data=form.cleaned_data)
            messages.success(request, _("Module saved."))
            return see_other(request, _edit_url(pk, f"module-{module.pk}"))
        return render(
            request,
            "modules/studio/module_edit.html",
            {"module": module, "form": form},
            status=UNPROCESSABLE,
        )
    return render(request, "modules/studio/module_edit.html", {"module": module, "form": form})


@require_POST
@staff_required
def module_move(request: HtmxHttpRequest, pk: int, module_pk: int) -> HttpResponse:
    module = get_object_or_404(Module, pk=module_pk, program_id=pk)
    return _move_response(request, pk, module, services.module_move, anchor=f"module-{module.pk}")


def _move_response(request: HtmxHttpRequest, pk: int, obj, move, *, anchor: str) -> HttpResponse:
    """Move a module or lesson up or down; answer with the outline (HTMX) or a redirect."""
    direction = request.POST.get("direction", "")
    try:
        moved = move(**{obj._meta.model_name: obj, "direction": direction})
    except ValidationError:
        return HttpResponse(_("Unknown direction."), status=HTTPStatus.BAD_REQUEST)
    if moved:
        announcement = _("Moved “%(title)s” to position %(n)s.") % {
            "title": obj.title,
            "n": _position_of(obj),
        }
    else:
        edge = _("top") if direction == "up" else _("bottom")
        announcement = _("“%(title)s” is already at the %(edge)s.") % {
            "title": obj.title,
            "edge": edge,
        }
    if targets(request, "outline"):
        return _outline(request, pk, announcement=announcement)
    return see_other(request, _edit_url(pk, anchor))


def _position_of(obj) -> int:
    siblings = type(obj).objects.filter(
        **(
            {"program_id": obj.program_id}
            if isinstance(obj, Module)
            else {"module_id": obj.module_id}
        )
    )
    return siblings.filter(position__lte=obj.position).count()


@require_http_methods(["GET", "POST"])
@staff_required
def module_delete(request: HtmxHttpRequest, pk: int, module_pk: int) -> HttpResponse:
    module = get_object_or_404(
        Module.objects.select_related("program"), pk=module_pk, program_id=pk
    )
    context = {
        "object": module,
        "kind": _("module"),
        "cancel_url": _edit_url(pk, f"module-{module.pk}"),
    }
    if request.method == "POST":
        try:
            services.module_delete(module=module)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(
                request, "modules/studio/confirm_delete.html", context, status=UNPROCESSABLE
            )
        messages.success(request, _("Deleted module “%(title)s”.") % {"title": module.title})
        return see_other(request, _edit_url(pk, "outline"))
    return render(request, "modules/studio/confirm_delete.html", context)


# --- Lessons ------------------------------------------------------------------------


def _get_lesson(program_pk: int, lesson_pk: int) -> Lesson:
    return get_object_or_404(
        Lesson.objects.select_related("module__program"),
        pk=lesson_pk,
        module__program_id=program_pk,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def lesson_create(request: HtmxHttpRequest, pk: int, module_pk: int) -> HttpResponse:
    module = get_object_or_404(
        Module.objects.select_related("program"), pk=module_pk, program_id=pk
    )
    initial_kind = (
        request.GET.get("kind")
        if request.GET.get("kind") in Lesson.Kind.values
        else Lesson.Kind.READING
    )
    form = LessonForm(
        request.POST or None,
        request.FILES or None,
        instance=Lesson(module=module, position=1),
        initial={"kind": initial_kind},
    )
    context = {"module": module, "program": module.program, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                lesson = services.lesson_create(module=module, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Lesson added."))
                if lesson.kind == Lesson.Kind.KNOWLEDGE_CHECK:
                    return see_other(
                        request,
                        reverse("modules:studio_lesson_edit", args=[pk, lesson.pk]) + "#questions",
                    )
                return see_other(request, _edit_url(pk, f"lesson-{lesson.pk}"))
        return render(request, "modules/studio/lesson_form.html", context, status=UNPROCESSABLE)
    return render(request, "modules/studio/lesson_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def lesson_edit(request: HtmxHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _get_lesson(pk, lesson_pk)
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson)
    context = {
        "lesson": lesson,
        "module": lesson.module,
        "program": lesson.module.program,
        "form": form,
        "question_form": QuestionForm(),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lesson_update(lesson=lesson, data=form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Lesson saved."))
                return see_other(
                    request, reverse("modules:studio_lesson_edit", args=[pk, lesson.pk])
                )
        return render(request, "modules/studio/lesson_form.html", context, status=UNPROCESSABLE)
    return render(request, "modules/studio/lesson_form.html", context)


@require_POST
@staff_required
def lesson_move(request: HtmxHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _get_lesson(pk, lesson_pk)
    return _move_response(request, pk, lesson, services.lesson_move, anchor=f"lesson-{lesson.pk}")


@require_http_methods(["GET", "POST"])
@staff_required
def lesson_delete(request: HtmxHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _get_lesson(pk, lesson_pk)
    context = {
        "object": lesson,
        "kind": _("lesson"),
        "cancel_url": reverse("modules:studio_lesson_edit", args=[pk, lesson.pk]),
    }
    if request.method == "POST":
        try:
            services.lesson_delete(lesson=lesson)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(
                request, "modules/studio/confirm_delete.html", context, status=UNPROCESSABLE
            )
        messages.success(request, _("Deleted lesson “%(title)s”.") % {"title": lesson.title})
        return see_other(request, _edit_url(pk, f"module-{lesson.module_id}"))
    return render(request, "modules/studio/confirm_delete.html", context)


@require_http_methods(["GET"])
@staff_required
def lesson_preview(request: HtmxHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    _get_lesson(pk, lesson_pk)
    lesson = selectors.lesson_for_preview(pk=lesson_pk)
    return render(
        request,
        "modules/studio/lesson_preview.html",
        {"lesson": lesson, "program": lesson.module.program},
    )


# --- Questions ----------------------------------------------------------------------


@require_POST
@staff_required
def question_create(request: HtmxHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _get_lesson(pk, lesson_pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_create(
                lesson=lesson,
                prompt=form.cleaned_data["prompt"],
                kind=form.cleaned_data["kind"],
                explanation=form.cleaned_data["explanation"],
                choices=form.cleaned_data["choices"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Question added."))
            return see_other(
                request, reverse("modules:studio_lesson_edit", args=[pk, lesson.pk]) + "#questions"
            )
    context = {
        "lesson": lesson,
        "module": lesson.module,
        "program": lesson.module.program,
        "form": LessonForm(instance=lesson),
        "question_form": form,
    }
    template = (
        "modules/studio/lesson_form.html#questions"
        if targets(request, "questions")
        else "modules/studio/lesson_form.html"
    )
    return render(request, template, context, status=UNPROCESSABLE)


@require_http_methods(["GET", "POST"])
@staff_required
def question_edit(request: HtmxHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("lesson__module__program").prefetch_related("choices"),
        pk=question_pk,
        lesson__module__program_id=pk,
    )
    form = QuestionForm(request.POST or None, question=question)
    context = {
        "question": question,
        "lesson": question.lesson,
        "program": question.lesson.module.program,
        "form": form,
    }
    if request.method == "POST":
        if form.is_valid():
            services.question_update(
                question=question,
                prompt=form.cleaned_data["prompt"],
                kind=form.cleaned_data["kind"],
                explanation=form.cleaned_data["explanation"],
                choices=form.cleaned_data["choices"],
            )
            messages.success(request, _("Question saved."))
            return see_other(
                request,
                reverse("modules:studio_lesson_edit", args=[pk, question.lesson_id]) + "#questions",
            )
        return render(request, "modules/studio/question_edit.html", context, status=UNPROCESSABLE)
    return render(request, "modules/studio/question_edit.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def question_delete(request: HtmxHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("lesson"), pk=question_pk, lesson__module__program_id=pk
    )
    back = reverse("modules:studio_lesson_edit", args=[pk, question.lesson_id]) + "#questions"
    context = {"object": question, "kind": _("question"), "cancel_url": back}
    if request.method == "POST":
        services.question_delete(question=question)
        messages.success(request, _("Question deleted."))
        return see_other(request, back)
    return render(request, "modules/studio/confirm_delete.html", context)
