"""Staff forms for certificates. Validation of the rules themselves lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academy.validators import validate_no_control_characters
from certificates.models import Certificate, CertificateTemplate
from certificates.services import TEMPLATE_FIELDS

IMAGE_FIELDS = ("signatory_1_signature", "signatory_2_signature", "logo")
# What the certificate renderer prints well, and the help text promises.
IMAGE_FORMATS = {"PNG", "JPEG"}
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 5000  # pixels: a small file may still unpack into a huge image


class CertificateSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=150)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Certificate.Status.choices],
    )


class RevokeForm(forms.Form):
    public_reason = forms.CharField(
        label=_("Reason shown on the verification page"),
        max_length=300,
        help_text=_("Anyone who checks this code will read it. Keep it factual."),
    )
    private_note = forms.CharField(
        label=_("Private note for staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see this, in the audit trail."),
    )


class ReinstateForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the audit trail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReissueForm(forms.Form):
    name_as_printed = forms.CharField(
        label=_("Name as it should be printed"),
        max_length=150,
        validators=[validate_no_control_characters],
    )
    note = forms.CharField(
        label=_("Note for the audit trail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IssueForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for the override"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["override_reason"]
        if override:
            field.required = True
            field.error_messages["required"] = _(
                "The completion policy is not met: write why you are issuing it anyway."
            )
        else:
            del self.fields["override_reason"]


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = list(TEMPLATE_FIELDS)
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown in "First signatory" / "Second signatory" groups: short labels suffice.
        for n in ("1", "2"):
            self.fields[f"signatory_{n}_name"].label = _("Name")
            self.fields[f"signatory_{n}_title"].label = _("Position")
            self.fields[f"signatory_{n}_title"].help_text = _(
                "For example: Executive Director, Local Progress"
            )
            self.fields[f"signatory_{n}_signature"].label = _("Signature image")
            self.fields[f"signatory_{n}_signature"].help_text = _(
                "PNG or JPEG, ideally with a transparent or white background."
            )
        for name in IMAGE_FIELDS:
            self.fields[name].widget.attrs["accept"] = "image/png,image/jpeg"

    def _clean_image(self, name: str):
        """A new upload (forms.ImageField has opened it with Pillow): PNG or JPEG, at most
        2 MB and 5,000 pixels a side. A kept or cleared image passes as it is."""
        upload = self.cleaned_data.get(name)
        image = getattr(upload, "image", None)
        if image is None:
            return upload
        if image.format not in IMAGE_FORMATS:
            raise forms.ValidationError(_("Upload a PNG or JPEG image."))
        if upload.size > IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("Images can be at most 2 MB."))
        if max(image.size) > IMAGE_MAX_SIDE:
            raise forms.ValidationError(
                _("Images can be at most %(n)s pixels wide and high.") % {"n": IMAGE_MAX_SIDE}
            )
        return upload

    def clean_logo(self):
        return self._clean_image("logo")

    def clean_signatory_1_signature(self):
        return self._clean_image("signatory_1_signature")

    def clean_signatory_2_signature(self):
        return self._clean_image("signatory_2_signature")

    def service_data(self) -> dict:
        """cleaned_data for `template_save`: a cleared image becomes "" (no image)."""
        return {
            name: ("" if value is False else value)
            for name, value in self.cleaned_data.items()
            if name in TEMPLATE_FIELDS
        }
