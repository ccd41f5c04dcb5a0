from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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


# --- The site's header and footer, rendered once per kind of visitor ---------------------------

# Stand-ins rendered into the kept HTML and replaced on every request: the CSRF token (a
# fresh mask of this visitor's secret) and the current address (the language form's `next`).
CSRF_SLOT = "csrf-slot-8c1f0e"
NEXT_SLOT = "/next-slot-8c1f0e/"

# The nav item marked as the current page: pages by URL name, areas by path prefix.
NAV_PAGES = {
    "modules:catalog": "catalog",
    "home": "home",
    "certificates:mine": "certificates",
    "profile": "profile",
}
NAV_PREFIXES = {
    "facilitate": "/facilitate/",
    "studio": "/studio/",
    "staff-cohorts": "/staff/cohorts/",
    "reports": "/staff/reports/",
}

# The header and footer depend on nothing stored: only on the templates, the URLs, the
# translations and the key below, none of which changes while a process runs (with DEBUG
# off). So each process keeps them in memory: no cache read at all on the hot path.
_kept_chrome: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_chrome(**kwargs) -> None:  # tests change languages, URLs, DEBUG...
    _kept_chrome.clear()


def nav_section(request) -> str:
    match = request.resolver_match
    if match is not None and match.view_name in NAV_PAGES:
        return NAV_PAGES[match.view_name]
    for name, prefix in NAV_PREFIXES.items():
        if prefix in request.path:
            return name
    return ""


@register.simple_tag(takes_context=True)
def site_chrome(context, template_name: str) -> str:
    """Render the header or footer (`template_name`) as `{% include %}` would. It depends on
    the visitor only through their roles, the language and the nav item of this path, so it
    is rendered once for each of those and kept (see `_kept_chrome`); the CSRF token and the
    address are filled in per request."""
    request = context.get("request")
    if request is None:  # rendered without a request: nothing to fill in, nothing to keep
        return context.template.engine.get_template(template_name).render(context)
    roles = context.get("roles")
    section = nav_section(request)
    key = (
        template_name,
        section,
        get_language(),
        get_script_prefix(),  # its links, should one process serve under several prefixes
        *(
            bool(getattr(roles, flag, False))
            for flag in ("is_authenticated", "is_staff", "is_facilitator")
        ),
    )
    html = _kept_chrome.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_SLOT, next_path=NEXT_SLOT, nav_section=section):
            html = context.template.engine.get_template(template_name).render(context)
        if not settings.DEBUG:  # with DEBUG, templates are edited while the server runs
            _kept_chrome[key] = html
    if CSRF_SLOT in html:
        # The page's own token (the csrf context processor's, computed once per render):
        # one mask for the whole page rather than one per form.
        token = context.get("csrf_token") or get_token(request)
        html = html.replace(CSRF_SLOT, escape(str(token)))
    return mark_safe(html.replace(NEXT_SLOT, escape(request.get_full_path())))  # noqa: S308 - our own render, slots escaped
