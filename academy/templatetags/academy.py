from django import template
from django.utils.safestring import mark_safe
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

# Stand-ins rendered into the cached HTML and replaced on every request: the CSRF token (a
# fresh mask of this visitor's secret) and the current address (the language form's `next`).
CSRF_SLOT = "csrf-slot-8c1f0e"
NEXT_SLOT = "/next-slot-8c1f0e/"

# The nav item marked as the current page: pages by URL name (exact path), areas by prefix.
NAV_PAGES = {
    "catalog": "modules:catalog",
    "home": "home",
    "certificates": "certificates:mine",
    "profile": "profile",
}
NAV_PREFIXES = {
    "facilitate": "/facilitate/",
    "studio": "/studio/",
    "staff-cohorts": "/staff/cohorts/",
    "reports": "/staff/reports/",
}


def nav_section(path: str) -> str:
    from django.urls import reverse

    for name, url_name in NAV_PAGES.items():
        if path == reverse(url_name):
            return name
    for name, prefix in NAV_PREFIXES.items():
        if prefix in path:
            return name
    return ""


@register.simple_tag(takes_context=True)
def site_chrome(context, template_name: str) -> str:
    """Render the header or footer (`template_name`) as `{% include %}` would. It depends on
    the visitor only through their roles, the language and the nav item of this path, so with
    the fragments cache it is rendered once for each of those and kept; the CSRF token and
    the address are filled in per request."""
    from django.middleware.csrf import get_token
    from django.utils.html import escape
    from django.utils.translation import get_language

    from academy import fragments

    request = context.get("request")
    if request is None:  # rendered without a request: nothing to fill in, nothing to keep
        return context.template.engine.get_template(template_name).render(context)
    roles = context.get("roles")
    section = nav_section(request.path)

    def build() -> str:
        with context.push(csrf_token=CSRF_SLOT, next_path=NEXT_SLOT, nav_section=section):
            return context.template.engine.get_template(template_name).render(context)

    key = "|".join(
        [
            template_name,
            section,
            get_language() or "",
            *(
                str(bool(getattr(roles, flag, False)))
                for flag in ("is_authenticated", "is_staff", "is_facilitator")
            ),
        ]
    )
    html = fragments.cached("chrome", key, build)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, escape(get_token(request)))
    return mark_safe(html.replace(NEXT_SLOT, escape(request.get_full_path())))  # noqa: S308 - our own render, slots escaped
