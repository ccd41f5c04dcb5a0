"""(being written)"""

from django.http import HttpResponse


def _todo(request, *args, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


certificate_list = certificate_detail = cohort_issue = run_progress = issue_one = template_edit = (
    template_preview
) = _todo
