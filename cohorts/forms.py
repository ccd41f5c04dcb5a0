import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.forms import LongSelect
from academy.models import User
from academy.validators import validate_no_control_characters, validate_storable_datetime
from cohorts.models import Announcement, Cohort, Session

MAX_CSV_BYTES = 1024 * 1024


class ApplicationForm(forms.Form):
    """One required answer per application question of the cohort."""

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = cohort.questions
        for i, question in enumerate(self.questions):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=question, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def answers(self) -> list[dict]:
        return [
            {"question": q, "answer": self.cleaned_data[f"answer_{i}"].strip()}
            for i, q in enumerate(self.questions)
        ]


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional; included in the email."),
    )


class SessionForm(forms.ModelForm):
    """Times are entered in the cohort's time zone (the view activates it)."""

    class Meta:
        model = Session
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "online_url",
            "location",
            "module",
            "notes",
            "recording_url",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = cohort.program.modules.order_by("position")
        self.fields["module"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].validators.append(validate_storable_datetime)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        if not data.get("online_url") and not data.get("location"):
            self.add_error("online_url", _("Give an online meeting link or a place."))
        return data


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class CohortForm(forms.ModelForm):
    facilitator_emails = forms.CharField(
        label=_("Facilitators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Email addresses of people with an account, one per line."),
    )

    class Meta:
        model = Cohort
        fields = [
            "program",
            "name",
            "slug",
            "status",
            "starts_on",
            "ends_on",
            "time_zone",
            "capacity",
            "enrollment_mode",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "application_questions",
            "chapter",
            "min_attendance_percent",
            "requires_signoff",
            "sequential",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "enrollment_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "enrollment_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "application_questions": forms.Textarea(attrs={"rows": 3}),
            "time_zone": LongSelect,
        }

    WINDOW = ("enrollment_opens_at", "enrollment_closes_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = self.fields["program"].queryset.exclude(status="archived")
        for name in self.WINDOW:
            self.fields[name].validators.append(validate_storable_datetime)
            self.fields[name].help_text = _("In the cohort's time zone, like its sessions.")
            # Shown as the cohort's clock reads it, whoever edits it (a naive value is
            # displayed as it is).
            value = self.initial.get(name)
            if isinstance(value, datetime) and timezone.is_aware(value):
                self.initial[name] = timezone.make_naive(value, self._zone())
        if self.instance.pk:
            self.initial["facilitator_emails"] = "\n".join(
                self.instance.facilitators.values_list("email", flat=True)
            )

    def _zone(self) -> zoneinfo.ZoneInfo:
        """The cohort's time zone: the one submitted when valid, else the cohort's own."""
        names = [self.instance.time_zone or self.fields["time_zone"].initial]
        if self.is_bound:
            names.insert(0, self.data.get(self.add_prefix("time_zone")))
        for name in names:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
                continue
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def full_clean(self) -> None:
        # The window's times are read on the cohort's clock, as the sessions' are.
        with timezone.override(self._zone()):
            super().full_clean()

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise ValidationError(_("A cohort needs at least one seat."))
        return capacity

    def clean_facilitator_emails(self) -> list[User]:
        emails = [
            e.strip().lower() for e in self.cleaned_data["facilitator_emails"].split() if e.strip()
        ]
        users = list(User.objects.filter(email__in=emails, is_active=True))
        missing = sorted(set(emails) - {u.email for u in users})
        if missing:
            raise ValidationError(_("No account for: %(emails)s.") % {"emails": ", ".join(missing)})
        return users


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, validators=[validate_no_control_characters]
    )
    # No longer than an account's address may be: a longer one is valid syntax all the same.
    email = forms.EmailField(label=_("Email"), max_length=User._meta.get_field("email").max_length)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Two columns: name, email. A header row is optional. At most 500 people."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Upload a .csv file."))
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 1 MB."))
        return upload


class MoveForm(forms.Form):
    to_cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), label=_("Move to"))

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = (
            Cohort.objects.filter(program_id=cohort.program_id)
            .exclude(pk=cohort.pk)
            .exclude(status__in=[Cohort.Status.FINISHED, Cohort.Status.ARCHIVED])
        )
