from django.urls import path

from modules import studio, views

app_name = "modules"

urlpatterns = [
    path("programs/", views.catalog, name="catalog"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    # Staff authoring
    path("studio/", studio.program_list, name="studio_program_list"),
    path("studio/programs/new/", studio.program_create, name="studio_program_create"),
    path("studio/programs/<int:pk>/", studio.program_edit, name="studio_program_edit"),
    path("studio/programs/<int:pk>/status/", studio.program_status, name="studio_program_status"),
    path(
        "studio/programs/<int:pk>/duplicate/",
        studio.program_duplicate,
        name="studio_program_duplicate",
    ),
    path("studio/programs/<int:pk>/delete/", studio.program_delete, name="studio_program_delete"),
    path(
        "studio/programs/<int:pk>/modules/new/", studio.module_create, name="studio_module_create"
    ),
    path(
        "studio/programs/<int:pk>/modules/<int:module_pk>/",
        studio.module_edit,
        name="studio_module_edit",
    ),
    path(
        "studio/programs/<int:pk>/modules/<int:module_pk>/move/",
        studio.module_move,
        name="studio_module_move",
    ),
    path(
        "studio/programs/<int:pk>/modules/<int:module_pk>/delete/",
        studio.module_delete,
        name="studio_module_delete",
    ),
    path(
        "studio/programs/<int:pk>/modules/<int:module_pk>/lessons/new/",
        studio.lesson_create,
        name="studio_lesson_create",
    ),
    path(
        "studio/programs/<int:pk>/lessons/<int:lesson_pk>/",
        studio.lesson_edit,
        name="studio_lesson_edit",
    ),
    path(
        "studio/programs/<int:pk>/lessons/<int:lesson_pk>/move/",
        studio.lesson_move,
        name="studio_lesson_move",
    ),
    path(
        "studio/programs/<int:pk>/lessons/<int:lesson_pk>/delete/",
        studio.lesson_delete,
        name="studio_lesson_delete",
    ),
    path(
        "studio/programs/<int:pk>/lessons/<int:lesson_pk>/preview/",
        studio.lesson_preview,
        name="studio_lesson_preview",
    ),
    path(
        "studio/programs/<int:pk>/lessons/<int:lesson_pk>/questions/new/",
        studio.question_create,
        name="studio_question_create",
    ),
    path(
        "studio/programs/<int:pk>/questions/<int:question_pk>/",
        studio.question_edit,
        name="studio_question_edit",
    ),
    path(
        "studio/programs/<int:pk>/questions/<int:question_pk>/delete/",
        studio.question_delete,
        name="studio_question_delete",
    ),
]
