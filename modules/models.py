"""The curriculum: Program → ordered Modules → ordered Lessons (+ knowledge-check questions).

This app knows nothing about cohorts. Rendering of Markdown happens in services (stored in
`*_html`), so pages never re-render it.
"""

import re
from urllib.parse import parse_qs, urlparse

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class IssueArea(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("issue area")

    def __str__(self) -> str:
        return self.name


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Program.Status.PUBLISHED)

    def with_outline_totals(self):
        """Module count, lesson count and total lesson minutes, each one subquery (no N+1)."""
        lessons = (
            Lesson.objects.filter(module__program=OuterRef("pk"))
            .order_by()
            .values("module__program")
        )
        return self.annotate(
            module_count=Coalesce(
                Subquery(
                    Module.objects.filter(program=OuterRef("pk"))
                    .order_by()
                    .values("program")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            lesson_count=Coalesce(Subquery(lessons.annotate(n=Count("pk")).values("n")), 0),
            lesson_minutes=Coalesce(
                Subquery(lessons.annotate(m=Sum("estimated_minutes")).values("m")), 0
            ),
        )


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("Used in the program's address, e.g. /programs/housing-leadership-lab/."),
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the catalog.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown. Shown on the program page.")
    )
    description_html = models.TextField(editable=False, blank=True)
    issue_areas = models.ManyToManyField(
        IssueArea, blank=True, related_name="programs", verbose_name=_("issue areas")
    )
    estimated_hours = models.PositiveSmallIntegerField(
        _("hours certified"),
        default=0,
        help_text=_("Total hours of learning, live sessions included; printed on certificates."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("program")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="program_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="program_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("modules:program_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Module(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"))
    required = models.BooleanField(_("required"), default=True)
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"),
        default=0,
        help_text=_("Time for the module's live or group work; lesson time is added on top."),
    )

    class Meta:
        ordering = ["program", "position"]
        verbose_name = _("module")
        constraints = [
            models.UniqueConstraint(fields=["program", "position"], name="module_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="module_position_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        VIDEO = "video", _("Video")
        RESOURCE = "resource", _("Resource")
        KNOWLEDGE_CHECK = "knowledge_check", _("Knowledge check")
        REFLECTION = "reflection", _("Reflection")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.READING)
    position = models.PositiveIntegerField(_("position"))
    required = models.BooleanField(_("required"), default=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=10)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown. The reading itself, or an introduction for other kinds."),
    )
    body_html = models.TextField(editable=False, blank=True)
    video_url = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("YouTube or Vimeo links are embedded; others link out."),
    )
    transcript = models.TextField(
        _("transcript"),
        blank=True,
        help_text=_("Plain text, for people who cannot watch or hear the video."),
    )
    resource_file = models.FileField(_("file"), upload_to="resources/%Y/", blank=True)
    resource_url = models.URLField(_("resource link"), blank=True)
    reflection_prompt = models.TextField(_("reflection prompt"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        help_text=_("Knowledge checks: percentage of questions answered correctly."),
    )

    class Meta:
        ordering = ["module", "position"]
        verbose_name = _("lesson")
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="lesson_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="lesson_position_positive"),
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100), name="lesson_pass_mark_percent"
            ),
            models.CheckConstraint(
                condition=~Q(kind="video") | ~Q(video_url=""), name="lesson_video_has_link"
            ),
            models.CheckConstraint(
                condition=~Q(kind="resource") | ~Q(resource_url="") | ~Q(resource_file=""),
                name="lesson_resource_has_file_or_link",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reflection") | ~Q(reflection_prompt=""),
                name="lesson_reflection_has_prompt",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return lesson_kind_label(self.kind)

    @property
    def video_embed_url(self) -> str:
        """Privacy-enhanced embed address for YouTube and Vimeo links; empty for others."""
        return video_embed_url(self.video_url)

    @property
    def video_host(self) -> str:
        return urlparse(self.video_url).hostname or ""


def lesson_kind_label(kind: str) -> str:
    """What get_kind_display() gives, without its cost: Django rebuilds and translates every
    choice on each call, which adds up over an outline of sixty lessons."""
    try:
        return Lesson.Kind(kind).label
    except ValueError:
        return kind


def video_embed_url(url: str) -> str:
    parsed = urlparse(url or "")
    host = (parsed.hostname or "").removeprefix("www.").removeprefix("m.")
    if host == "youtu.be":
        video_id = parsed.path.strip("/")
    elif host in {"youtube.com", "youtube-nocookie.com"}:
        video_id = parse_qs(parsed.query).get("v", [""])[0] or parsed.path.rsplit("/", 1)[-1]
    elif host in {"vimeo.com", "player.vimeo.com"}:
        video_id = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        return f"https://player.vimeo.com/video/{video_id}" if video_id.isdigit() else ""
    else:
        return ""
    if re.fullmatch(r"[A-Za-z0-9_-]{11}", video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return ""


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    prompt = models.TextField(_("question"))
    kind = models.CharField(_("answers"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after answering, right or wrong.")
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="question_position_unique"),
        ]

    def __str__(self) -> str:
        return self.prompt[:60]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text
