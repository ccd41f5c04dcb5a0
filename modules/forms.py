from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from modules.models import IssueArea, Lesson, Module, Program, Question

RESOURCE_EXTENSIONS = {
    ".pdf",
    ".docx",
    ".xlsx",
    ".pptx",
    ".odt",
    ".ods",
    ".csv",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
}
RESOURCE_MAX_BYTES = 20 * 1024 * 1024


class IssueAreasField(forms.ModelMultipleChoiceField):
    """Issue areas by id. An id too large for the database is refused like any unknown one:
    SQLite raises OverflowError on `pk__in=[2**70]` (PostgreSQL answers no rows)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            digits = [v for v in value if str(v).strip().lstrip("+-").isdigit()]
            too_big = max(digits, key=lambda v: abs(int(v)), default=value[0])
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": too_big},
            ) from None


class ProgramForm(forms.ModelForm):
    slug = forms.SlugField(
        label=_("Web address"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to make one from the title."),
    )
    issue_areas = IssueAreasField(
        IssueArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Issue areas"),
    )

    class Meta:
        model = Program
        fields = ["title", "slug", "summary", "description", "issue_areas", "estimated_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title", ""))[:80]
        if not slug:
            raise forms.ValidationError(_("Give the program a title or a web address."))
        clash = Program.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another program already uses this web address."))
        return slug


class DuplicateProgramForm(forms.Form):
    title = forms.CharField(label=_("Title of the copy"), max_length=200)
    slug = forms.SlugField(label=_("Web address of the copy"), max_length=80)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Program.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another program already uses this web address."))
        return slug


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "summary", "required", "estimated_minutes"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


# Fields that only some lesson kinds use; the form shows the ones for the chosen kind.
KIND_FIELDS = {
    "video_url": "video",
    "transcript": "video",
    "resource_file": "resource",
    "resource_url": "resource",
    "reflection_prompt": "reflection",
    "pass_mark": "knowledge_check",
}


class LessonForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-lesson-kind"] = kind

    class Meta:
        model = Lesson
        fields = [
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
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "transcript": forms.Textarea(attrs={"rows": 6}),
            "reflection_prompt": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_resource_file(self):
        upload = self.cleaned_data.get("resource_file")
        if upload and hasattr(upload, "size"):
            if Path(upload.name).suffix.lower() not in RESOURCE_EXTENSIONS:
                raise forms.ValidationError(
                    _("Upload a document, spreadsheet, slide deck, PDF or image (%(types)s).")
                    % {"types": ", ".join(sorted(RESOURCE_EXTENSIONS))}
                )
            if upload.size > RESOURCE_MAX_BYTES:
                raise forms.ValidationError(_("Files can be at most 20 MB."))
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Lesson.Kind.VIDEO and not data.get("video_url"):
            self.add_error("video_url", _("A video lesson needs a video link."))
        if kind == Lesson.Kind.RESOURCE and not (
            data.get("resource_url") or data.get("resource_file")
        ):
            self.add_error("resource_url", _("Add a link or upload a file."))
        if kind == Lesson.Kind.REFLECTION and not data.get("reflection_prompt"):
            self.add_error("reflection_prompt", _("A reflection needs a prompt."))
        if kind == Lesson.Kind.READING and not data.get("body"):
            self.add_error("body", _("A reading needs its text."))
        if data.get("pass_mark") is not None and data["pass_mark"] > 100:
            self.add_error("pass_mark", _("The pass mark is a percentage from 0 to 100."))
        return data


ANSWER_ROWS = 5


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label=_("Answers"), choices=Question.Kind.choices, initial=Question.Kind.SINGLE
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown after answering, right or wrong."),
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            initial = {
                "prompt": question.prompt,
                "kind": question.kind,
                "explanation": question.explanation,
            }
            for i, choice in enumerate(question.choices.all(), start=1):
                initial[f"answer_{i}"] = choice.text
                initial[f"correct_{i}"] = choice.is_correct
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for i in range(1, ANSWER_ROWS + 1):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": i}, required=False, max_length=300
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("Answer %(n)s is correct") % {"n": i}, required=False
            )

    def answer_rows(self):
        return [(self[f"answer_{i}"], self[f"correct_{i}"]) for i in range(1, ANSWER_ROWS + 1)]

    def clean(self):
        data = super().clean()
        choices = [
            (data.get(f"answer_{i}", "").strip(), bool(data.get(f"correct_{i}")))
            for i in range(1, ANSWER_ROWS + 1)
        ]
        for i, (text, correct) in enumerate(choices, start=1):
            if correct and not text:
                self.add_error(f"answer_{i}", _("A correct answer needs its text."))
        choices = [(t, c) for t, c in choices if t]
        correct = sum(c for _t, c in choices)
        if len(choices) < 2:
            raise forms.ValidationError(_("Give at least two answers."))
        if correct == 0:
            raise forms.ValidationError(_("Mark at least one answer as correct."))
        if data.get("kind") == Question.Kind.SINGLE and correct > 1:
            raise forms.ValidationError(
                _(
                    "A one-answer question has exactly one correct answer; choose “Several answers” instead."
                )
            )
        data["choices"] = choices
        return data
