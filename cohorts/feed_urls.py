"""Calendar URLs, included from cohorts.urls under "calendar/" (namespace "cohorts")."""

from django.urls import path

from cohorts import feeds

urlpatterns = [
    path("sessions/<slug:slug>/<int:pk>.ics", feeds.session_ics, name="session_ics"),
    path("feed/<str:token>.ics", feeds.personal_feed, name="personal_feed"),
    path("feed/<str:token>/<slug:slug>.ics", feeds.cohort_feed, name="cohort_feed"),
    path("reset/", feeds.reset_token, name="calendar_reset"),
]
