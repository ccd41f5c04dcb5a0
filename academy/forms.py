from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from academy.models import User
from academy.validators import validate_no_control_characters


class AcademyFormRenderer(TemplatesSetting):
    """Every form, allauth's included, renders through our accessible field template."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class LongSelect(forms.Select):
    """A select of hundreds of options (time zones) with each option written out in the one
    template: Django's includes two templates per option (~30 ms for the time zones). Only
    for plain options: `selected` is the one attribute an option of a Select has."""

    template_name = "components/widgets/long_select.html"


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As it should appear on your certificates."),
        validators=[validate_no_control_characters],
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user: User) -> None:
        # Called by allauth inside its own save; the user row is saved by allauth.
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "full_name",
            "preferred_name",
            "pronouns",
            "office_type",
            "jurisdiction",
            "state",
            "time_zone",
            "language",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "time_zone": LongSelect,
        }
        help_texts = {"full_name": _("As it should appear on your certificates.")}

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        validate_no_control_characters(name)  # it is printed on certificates
        return name
