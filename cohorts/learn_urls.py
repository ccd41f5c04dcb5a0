"""The lesson player, under cohorts/<slug>/learn/ (namespace "cohorts")."""

from django.urls import path

from cohorts import learn

urlpatterns = [
    path("", learn.outline, name="learn"),
    path("<int:lesson_pk>/", learn.lesson, name="lesson"),
    path("<int:lesson_pk>/complete/", learn.lesson_complete, name="lesson_complete"),
    path("<int:lesson_pk>/check/", learn.lesson_check, name="lesson_check"),
    path("<int:lesson_pk>/reflect/", learn.lesson_reflect, name="lesson_reflect"),
    path("<int:lesson_pk>/progress/", learn.progress_bars, name="progress_bars"),
]
