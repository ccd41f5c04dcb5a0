"""(being written)"""

from django.http import HttpResponse


def _todo(request, *args, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


verify_lookup = verify_json = verify = my_certificates = download = _todo
