from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from academy.access import request_roles


def navigation(request: HttpRequest) -> dict:
    # Lazy: pages that never show the navigation pay no query.
    return {"roles": SimpleLazyObject(lambda: request_roles(request))}
