"""academy.forms.LongSelect: the time zone list written in one template, with the HTML Django's
own Select gives (but for the blank lines its includes leave)."""

import re

from django import forms

from academy.choices import TIME_ZONES
from academy.forms import LongSelect, ProfileForm


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_same_html_as_djangos_select():
    choices = [("", "---------"), *TIME_ZONES, ("Group", [("a", "A & B"), ("b", "<b>")])]
    for value in ("America/Chicago", "", "b", None):
        ours = LongSelect(choices=choices, attrs={"id": "tz", "required": True})
        django = forms.Select(choices=choices, attrs={"id": "tz", "required": True})
        assert squeeze(ours.render("time_zone", value)) == squeeze(
            django.render("time_zone", value)
        )
    assert 'value="America/Chicago" selected>America/Chicago</option>' in ours.render(
        "time_zone", "America/Chicago"
    )
    assert "A &amp; B" in ours.render("time_zone", None)


def test_the_profile_form_uses_it_for_the_time_zone():
    assert isinstance(ProfileForm().fields["time_zone"].widget, LongSelect)
