import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from modules import services
from modules.models import IssueArea, Lesson, Module, Program, Question
from tests.factories import LessonFactory, ModuleFactory, ProgramFactory, published_program

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program():
    program = ProgramFactory(title="Academy 2027", slug="academy-2027")
    module = ModuleFactory(program=program, position=1, title="Developing a Policy Agenda")
    LessonFactory(module=module, position=1, title="Your first 100 days")
    quiz = LessonFactory(module=module, position=2, title="Check", kind="knowledge_check")
    services.question_create(lesson=quiz, prompt="Q?", choices=[("A", True), ("B", False)])
    return program


def studio_urls(program: Program) -> list[tuple[str, str]]:
    """Every studio URL with the methods it answers."""
    module = program.modules.first()
    lesson = module.lessons.first()
    question = Question.objects.filter(lesson__module__program=program).first()
    p = program.pk
    return [
        ("GET", reverse("modules:studio_program_list")),
        ("GET", reverse("modules:studio_program_create")),
        ("POST", reverse("modules:studio_program_create")),
        ("GET", reverse("modules:studio_program_edit", args=[p])),
        ("POST", reverse("modules:studio_program_edit", args=[p])),
        ("POST", reverse("modules:studio_program_status", args=[p])),
        ("GET", reverse("modules:studio_program_duplicate", args=[p])),
        ("POST", reverse("modules:studio_program_duplicate", args=[p])),
        ("GET", reverse("modules:studio_program_delete", args=[p])),
        ("POST", reverse("modules:studio_program_delete", args=[p])),
        ("POST", reverse("modules:studio_module_create", args=[p])),
        ("GET", reverse("modules:studio_module_edit", args=[p, module.pk])),
        ("POST", reverse("modules:studio_module_edit", args=[p, module.pk])),
        ("POST", reverse("modules:studio_module_move", args=[p, module.pk])),
        ("GET", reverse("modules:studio_module_delete", args=[p, module.pk])),
        ("POST", reverse("modules:studio_module_delete", args=[p, module.pk])),
        ("GET", reverse("modules:studio_lesson_create", args=[p, module.pk])),
        ("POST", reverse("modules:studio_lesson_create", args=[p, module.pk])),
        ("GET", reverse("modules:studio_lesson_edit", args=[p, lesson.pk])),
        ("POST", reverse("modules:studio_lesson_edit", args=[p, lesson.pk])),
        ("POST", reverse("modules:studio_lesson_move", args=[p, lesson.pk])),
        ("GET", reverse("modules:studio_lesson_delete", args=[p, lesson.pk])),
        ("POST", reverse("modules:studio_lesson_delete", args=[p, lesson.pk])),
        ("GET", reverse("modules:studio_lesson_preview", args=[p, lesson.pk])),
        ("POST", reverse("modules:studio_question_create", args=[p, question.lesson_id])),
        ("GET", reverse("modules:studio_question_edit", args=[p, question.pk])),
        ("POST", reverse("modules:studio_question_edit", args=[p, question.pk])),
        ("GET", reverse("modules:studio_question_delete", args=[p, question.pk])),
        ("POST", reverse("modules:studio_question_delete", args=[p, question.pk])),
    ]


def test_every_studio_url_is_covered(program):
    from modules.urls import urlpatterns

    studio_names = {p.name for p in urlpatterns if p.name.startswith("studio_")}
    covered = {
        r.url_name
        for r in (__import__("django.urls").urls.resolve(u) for _m, u in studio_urls(program))
    }
    assert covered == studio_names


@pytest.mark.parametrize("htmx", [False, True])
def test_visitors_are_sent_to_sign_in(client, program, htmx):
    for method, url in studio_urls(program):
        response = getattr(client, method.lower())(url, **(HX if htmx else {}))
        assert response.status_code == HTTPStatus.FOUND, (method, url)
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("htmx", [False, True])
def test_participants_get_404_for_every_studio_url(client, participant, program, htmx):
    client.force_login(participant)
    for method, url in studio_urls(program):
        response = getattr(client, method.lower())(url, **(HX if htmx else {}))
        assert response.status_code == HTTPStatus.NOT_FOUND, (method, url)
    # Nothing changed.
    assert Program.objects.count() == 1
    assert Lesson.objects.filter(module__program=program).count() == 2


def test_staff_can_open_every_studio_page(client, staff, program):
    client.force_login(staff)
    for method, url in studio_urls(program):
        if method == "GET":
            assert client.get(url).status_code == HTTPStatus.OK, url


def test_objects_of_another_program_are_404(client, staff, program):
    other = published_program()
    lesson = Lesson.objects.filter(module__program=other).first()
    client.force_login(staff)
    url = reverse("modules:studio_lesson_edit", args=[program.pk, lesson.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    url = reverse("modules:studio_module_edit", args=[program.pk, lesson.module_id])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_create_program_makes_a_slug_and_goes_to_the_editor(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("modules:studio_program_create"),
        {
            "title": "Safety Beyond Policing Lab",
            "summary": "Public safety for all.",
            "estimated_hours": 10,
            "issue_areas": [],
        },
    )
    program = Program.objects.get()
    assert program.slug == "safety-beyond-policing-lab"
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == reverse("modules:studio_program_edit", args=[program.pk])


def test_invalid_program_is_422_and_creates_nothing(client, staff, program):
    client.force_login(staff)
    response = client.post(
        reverse("modules:studio_program_create"),
        {"title": "", "slug": "academy-2027", "summary": ""},
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "already uses this web address", status_code=422)
    assert Program.objects.count() == 1


def test_edit_details_over_htmx(client, staff, program):
    client.force_login(staff)
    url = reverse("modules:studio_program_edit", args=[program.pk])
    data = {"title": "Academy 2027", "slug": "academy-2027", "summary": "", "estimated_hours": 5}
    response = client.post(url, data, HTTP_HX_TARGET="program-details", **HX)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.content.decode().lstrip().startswith('<section id="program-details"')
    data["summary"] = "Updated."
    response = client.post(url, data, HTTP_HX_TARGET="program-details", **HX)
    assert response.status_code == HTTPStatus.OK
    assert "program-changed" in json.loads(response["HX-Trigger"])
    program.refresh_from_db()
    assert program.summary == "Updated."


@pytest.mark.parametrize("issue_area", [str(2**70), "-" + str(2**63 + 1), "99999"])
def test_an_impossible_issue_area_is_422_not_a_crash(client, staff, program, issue_area):
    client.force_login(staff)
    url = reverse("modules:studio_program_edit", args=[program.pk])
    data = {"title": "Renamed", "slug": "academy-2027", "summary": "S", "estimated_hours": 5}
    real = str(IssueArea.objects.get_or_create(slug="housing", defaults={"name": "Housing"})[0].pk)
    response = client.post(url, {**data, "issue_areas": [real, issue_area]})
    assertContains(response, issue_area, status_code=HTTPStatus.UNPROCESSABLE_ENTITY)  # named
    program.refresh_from_db()
    assert program.title == "Academy 2027"


def test_publish_without_modules_is_refused_with_the_reason(client, staff):
    empty = ProgramFactory()
    client.force_login(staff)
    response = client.post(
        reverse("modules:studio_program_status", args=[empty.pk]),
        {"action": "publish"},
        HTTP_HX_TARGET="program-status",
        **HX,
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "Add at least one module", status_code=422)
    empty.refresh_from_db()
    assert empty.status == Program.Status.DRAFT


def test_publish_then_archive_without_javascript(client, staff, program):
    client.force_login(staff)
    url = reverse("modules:studio_program_status", args=[program.pk])
    response = client.post(url, {"action": "publish"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    client.post(url, {"action": "archive"})
    program.refresh_from_db()
    assert program.status == Program.Status.ARCHIVED
    assert client.post(url, {"action": "explode"}).status_code == HTTPStatus.BAD_REQUEST


def test_add_module_over_htmx_returns_the_outline(client, staff, program):
    client.force_login(staff)
    url = reverse("modules:studio_module_create", args=[program.pk])
    response = client.post(
        url, {"title": "", "estimated_minutes": 0}, HTTP_HX_TARGET="outline", **HX
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert program.modules.count() == 1
    response = client.post(
        url,
        {"title": "Budgets as Moral Documents", "required": "on", "estimated_minutes": 30},
        HTTP_HX_TARGET="outline",
        **HX,
    )
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Added module “Budgets as Moral Documents”")
    assert list(program.modules.values_list("position", flat=True)) == [1, 2]


def test_move_module_and_lesson(client, staff, program):
    second = services.module_create(program=program, title="Tools for Accomplishing Your Goals")
    client.force_login(staff)
    response = client.post(
        reverse("modules:studio_module_move", args=[program.pk, second.pk]),
        {"direction": "up"},
        HTTP_HX_TARGET="outline",
        **HX,
    )
    assertContains(response, "Moved “Tools for Accomplishing Your Goals” to position 1")
    assert program.modules.order_by("position").first() == second

    lesson = Lesson.objects.get(title="Check")
    response = client.post(
        reverse("modules:studio_lesson_move", args=[program.pk, lesson.pk]), {"direction": "up"}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert lesson.module.lessons.first() == lesson
    bad = client.post(
        reverse("modules:studio_lesson_move", args=[program.pk, lesson.pk]), {"direction": "left"}
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"kind": "reading", "body": "## Read\n\nText"}, "reading"),
        (
            {"kind": "video", "video_url": "https://youtu.be/dQw4w9WgXcQ", "transcript": "Words"},
            "video",
        ),
        ({"kind": "resource", "resource_url": "https://localprogress.org/toolkit"}, "resource"),
        ({"kind": "knowledge_check", "pass_mark": 80}, "knowledge_check"),
        ({"kind": "reflection", "reflection_prompt": "What will you change?"}, "reflection"),
    ],
)
def test_add_each_kind_of_lesson(client, staff, program, data, kind):
    client.force_login(staff)
    module = program.modules.first()
    payload = {
        "title": f"New {kind}",
        "required": "on",
        "estimated_minutes": 10,
        "pass_mark": 80,
        **data,
    }
    response = client.post(
        reverse("modules:studio_lesson_create", args=[program.pk, module.pk]), payload
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    lesson = Lesson.objects.get(title=f"New {kind}")
    assert lesson.kind == kind
    assert lesson.position == 3


def test_lesson_missing_its_content_is_422(client, staff, program):
    client.force_login(staff)
    module = program.modules.first()
    response = client.post(
        reverse("modules:studio_lesson_create", args=[program.pk, module.pk]),
        {"title": "Video", "kind": "video", "estimated_minutes": 5, "pass_mark": 80},
    )
    assertContains(response, "A video lesson needs a video link", status_code=422)
    assert module.lessons.count() == 2


@pytest.mark.parametrize(
    ("name", "size", "error"),
    [
        ("worksheet.exe", 10, "Upload a document"),
        ("worksheet.pdf", 21 * 1024 * 1024, "at most 20 MB"),
    ],
)
def test_resource_uploads_are_limited_by_type_and_size(
    client, staff, program, settings, tmp_path, name, size, error
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    module = program.modules.first()
    upload = SimpleUploadedFile(name, b"x" * size)
    response = client.post(
        reverse("modules:studio_lesson_create", args=[program.pk, module.pk]),
        {
            "title": "Worksheet",
            "kind": "resource",
            "estimated_minutes": 5,
            "pass_mark": 80,
            "resource_file": upload,
        },
    )
    assertContains(response, error, status_code=422)
    assert not Lesson.objects.filter(title="Worksheet").exists()


def test_resource_upload_is_stored(client, staff, program, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    module = program.modules.first()
    upload = SimpleUploadedFile(
        "budget-worksheet.csv", b"fund,amount\ngeneral,10\n", content_type="text/csv"
    )
    client.post(
        reverse("modules:studio_lesson_create", args=[program.pk, module.pk]),
        {
            "title": "Worksheet",
            "kind": "resource",
            "estimated_minutes": 5,
            "pass_mark": 80,
            "resource_file": upload,
        },
    )
    lesson = Lesson.objects.get(title="Worksheet")
    assert lesson.resource_file.read() == b"fund,amount\ngeneral,10\n"


def test_add_and_edit_a_question(client, staff, program):
    client.force_login(staff)
    quiz = Lesson.objects.get(title="Check")
    url = reverse("modules:studio_question_create", args=[program.pk, quiz.pk])
    response = client.post(
        url,
        {"prompt": "Q2?", "kind": "single", "answer_1": "Yes", "answer_2": "No"},
        HTTP_HX_TARGET="questions",
        **HX,
    )
    assertContains(response, "Mark at least one answer as correct", status_code=422)
    response = client.post(
        url,
        {"prompt": "Q2?", "kind": "single", "answer_1": "Yes", "correct_1": "on", "answer_2": "No"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    question = quiz.questions.get(prompt="Q2?")
    response = client.post(
        reverse("modules:studio_question_edit", args=[program.pk, question.pk]),
        {
            "prompt": "Q2 edited?",
            "kind": "multiple",
            "answer_1": "Yes",
            "correct_1": "on",
            "answer_2": "Also",
            "correct_2": "on",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    question.refresh_from_db()
    assert question.prompt == "Q2 edited?"
    assert question.choices.filter(is_correct=True).count() == 2


def test_duplicate_program(client, staff, program):
    client.force_login(staff)
    response = client.post(
        reverse("modules:studio_program_duplicate", args=[program.pk]),
        {"title": "Academy 2028", "slug": "academy-2028"},
    )
    copy = Program.objects.get(slug="academy-2028")
    assert response["Location"] == reverse("modules:studio_program_edit", args=[copy.pk])
    assert Lesson.objects.filter(module__program=copy).count() == 2
    response = client.post(
        reverse("modules:studio_program_duplicate", args=[program.pk]),
        {"title": "Again", "slug": "academy-2028"},
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_delete_asks_first_and_refuses_published_programs(client, staff, program):
    client.force_login(staff)
    url = reverse("modules:studio_program_delete", args=[program.pk])
    assertContains(client.get(url), "This cannot be undone")
    published = published_program()
    services.program_unpublish(program=published)
    response = client.post(reverse("modules:studio_program_delete", args=[published.pk]))
    assertContains(response, "archive it instead", status_code=422)
    response = client.post(url)
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert not Program.objects.filter(pk=program.pk).exists()


def test_delete_lesson_and_module_of_a_draft(client, staff, program):
    client.force_login(staff)
    lesson = Lesson.objects.get(title="Your first 100 days")
    client.post(reverse("modules:studio_lesson_delete", args=[program.pk, lesson.pk]))
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    module = program.modules.first()
    client.post(reverse("modules:studio_module_delete", args=[program.pk, module.pk]))
    assert not Module.objects.filter(pk=module.pk).exists()


def test_preview_shows_the_lesson_as_a_participant_sees_it(client, staff, program):
    client.force_login(staff)
    quiz = Lesson.objects.get(title="Check")
    response = client.get(reverse("modules:studio_lesson_preview", args=[program.pk, quiz.pk]))
    assertContains(response, "Preview: this is what participants see")
    assertContains(response, "Q?")


def test_video_preview_loads_nothing_third_party_until_asked(client, staff, program):
    client.force_login(staff)
    module = program.modules.first()
    video = services.lesson_create(
        module=module,
        title="Watch",
        kind="video",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    response = client.get(reverse("modules:studio_lesson_preview", args=[program.pk, video.pk]))
    assertContains(response, 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"')
    assert "<iframe" not in response.content.decode()


@pytest.mark.parametrize("size", [1, 5])
def test_editor_queries_do_not_grow(client, staff, django_assert_num_queries, size):
    program = published_program(modules=size, lessons_per_module=size)
    client.force_login(staff)
    url = reverse("modules:studio_program_edit", args=[program.pk])
    client.get(url)
    # Includes the navigation's "is this person a facilitator?" check.
    with django_assert_num_queries(10):
        client.get(url)
    with django_assert_num_queries(5):
        client.get(reverse("modules:studio_program_list"))
