from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """75 → "1 h 15 min"; 30 → "30 min"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s h") % {"h": hours}
    return _("%(m)s min") % {"m": rest}
