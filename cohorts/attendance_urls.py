"""Attendance, reflections and sign-off; included at "facilitate/<slug:slug>/" in cohorts.urls."""

from django.urls import path

from cohorts import attendance

urlpatterns = [
    path("sessions/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path(
        "sessions/<int:pk>/attendance/all-present/",
        attendance.attendance_all_present,
        name="attendance_all_present",
    ),
    path(
        "sessions/<int:pk>/attendance/<int:enrollment_pk>/",
        attendance.attendance_mark,
        name="attendance_mark",
    ),
    path("reflections/", attendance.reflections, name="reflections"),
    path("reflections/<int:pk>/", attendance.reflection_feedback, name="reflection_feedback"),
    path("people/<int:pk>/sign-off/", attendance.sign_off, name="sign_off"),
]
