from django.urls import include, path

from cohorts import facilitate, staff, views

app_name = "cohorts"

urlpatterns = [
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<slug:slug>/join/", views.cohort_join, name="cohort_join"),
    path("cohorts/<slug:slug>/withdraw/", views.cohort_withdraw, name="cohort_withdraw"),
    path("cohorts/<slug:slug>/invitation/", views.invitation, name="invitation"),
    # Facilitators (and staff)
    path("facilitate/", facilitate.my_cohorts, name="my_cohorts"),
    path("facilitate/<slug:slug>/", facilitate.manage, name="manage"),
    path(
        "facilitate/<slug:slug>/applications/<int:pk>/",
        facilitate.application_decide,
        name="application_decide",
    ),
    path("facilitate/<slug:slug>/sessions/new/", facilitate.session_create, name="session_create"),
    path("facilitate/<slug:slug>/sessions/<int:pk>/", facilitate.session_edit, name="session_edit"),
    path(
        "facilitate/<slug:slug>/sessions/<int:pk>/cancel/",
        facilitate.session_cancel,
        name="session_cancel",
    ),
    path(
        "facilitate/<slug:slug>/announcements/new/",
        facilitate.announcement_create,
        name="announcement_create",
    ),
    path("facilitate/<slug:slug>/invite/", facilitate.invite, name="invite"),
    path(
        "facilitate/<slug:slug>/import/", facilitate.import_invitations, name="import_invitations"
    ),
    path(
        "facilitate/<slug:slug>/people/<int:pk>/withdraw/",
        facilitate.enrollment_withdraw,
        name="enrollment_withdraw",
    ),
    path(
        "facilitate/<slug:slug>/people/<int:pk>/move/",
        facilitate.enrollment_move,
        name="enrollment_move",
    ),
    # Staff
    path("staff/cohorts/", staff.cohort_list, name="staff_cohort_list"),
    path("staff/cohorts/new/", staff.cohort_create, name="staff_cohort_create"),
    path("staff/cohorts/<slug:slug>/edit/", staff.cohort_edit, name="staff_cohort_edit"),
    path("staff/cohorts/<slug:slug>/archive/", staff.cohort_archive, name="staff_cohort_archive"),
    path("calendar/", include("cohorts.feed_urls")),
    path("cohorts/<slug:slug>/learn/", include("cohorts.learn_urls")),
    path("facilitate/<slug:slug>/", include("cohorts.attendance_urls")),
    path("", include("cohorts.report_urls")),
]
