from django.urls import path

from certificates import public_views, staff_views

app_name = "certificates"

urlpatterns = [
    # Anyone
    path("verify/", public_views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>.json", public_views.verify_json, name="verify_json"),
    path("verify/<str:code>/", public_views.verify, name="verify"),
    # The recipient
    path("certificates/", public_views.my_certificates, name="mine"),
    path("certificates/<str:code>.pdf", public_views.download, name="download"),
    # Staff
    path("staff/certificates/", staff_views.certificate_list, name="staff_list"),
    path("staff/certificates/<str:code>/", staff_views.certificate_detail, name="staff_detail"),
    path("staff/cohorts/<slug:slug>/certificates/", staff_views.cohort_issue, name="cohort_issue"),
    path(
        "staff/cohorts/<slug:slug>/certificates/runs/<int:pk>/",
        staff_views.run_progress,
        name="run_progress",
    ),
    path("staff/enrollments/<int:pk>/certificate/", staff_views.issue_one, name="issue_one"),
    path(
        "staff/programs/<slug:slug>/certificate/", staff_views.template_edit, name="template_edit"
    ),
    path(
        "staff/programs/<slug:slug>/certificate/preview/",
        staff_views.template_preview,
        name="template_preview",
    ),
]
