from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from academy.access import roles_for


def navigation(request: HttpRequest) -> dict:
    # Lazy: pages that never show the navigation pay no query.
    return {"roles": SimpleLazyObject(lambda: roles_for(request.user))}
