import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from modules import services
from modules.models import IssueArea, Lesson, Module, Program, Question
from tests.factories import LessonFactory, ModuleFactory, ProgramFactory, published_program

pytestmark = pytest.mark.django_db


def make_program(**kwargs) -> Program:
    return services.program_create(
        title=kwargs.pop("title", "Housing Leadership Lab"),
        slug=kwargs.pop("slug", "housing-leadership-lab"),
        summary="Tenant protections to social housing.",
        **kwargs,
    )


def test_program_create_renders_sanitised_markdown_and_issue_areas():
    housing = IssueArea.objects.get(slug="housing")
    program = make_program(
        description="## Why\n\n<script>alert(1)</script>**Homes**", issue_areas=[housing]
    )
    assert "<h2>Why</h2>" in program.description_html
    assert "<strong>Homes</strong>" in program.description_html
    assert "<script" not in program.description_html
    assert list(program.issue_areas.all()) == [housing]
    assert program.status == Program.Status.DRAFT


def test_slugs_are_unique():
    make_program()
    with pytest.raises(ValidationError):
        make_program(title="Another")


def test_modules_and_lessons_are_appended_in_order():
    program = make_program()
    first = services.module_create(program=program, title="Tenant protections")
    second = services.module_create(program=program, title="Land use")
    assert (first.position, second.position) == (1, 2)
    a = services.lesson_create(module=first, title="Just cause", body="Text")
    b = services.lesson_create(module=first, title="Right to counsel", body="Text")
    assert (a.position, b.position) == (1, 2)


def test_position_uniqueness_is_enforced_by_the_database():
    module = ModuleFactory(position=1)
    with pytest.raises(IntegrityError):
        Module.objects.create(program=module.program, title="Clash", position=1)


@pytest.mark.parametrize(
    ("kind", "fields"),
    [("video", {}), ("resource", {}), ("reflection", {})],
)
def test_lesson_kinds_need_their_content(kind, fields):
    module = ModuleFactory()
    with pytest.raises(ValidationError):
        services.lesson_create(module=module, title="Incomplete", kind=kind, **fields)
    assert not Lesson.objects.exists()


def test_video_lesson_check_constraint_in_the_database():
    module = ModuleFactory()
    with pytest.raises(IntegrityError):
        Lesson.objects.create(module=module, title="No link", kind="video", position=1)


def test_pass_mark_is_a_percentage():
    module = ModuleFactory()
    with pytest.raises(IntegrityError):
        Lesson.objects.create(
            module=module, title="Quiz", kind="knowledge_check", position=1, pass_mark=120
        )


def test_a_program_without_modules_cannot_be_published():
    program = make_program()
    with pytest.raises(ValidationError, match="Add at least one module"):
        services.program_publish(program=program)
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_publish_lists_every_problem():
    program = make_program()
    empty = services.module_create(program=program, title="Empty module")
    full = services.module_create(program=program, title="Quiz module")
    quiz = services.lesson_create(module=full, title="Check", kind="knowledge_check")
    problems = services.program_publish_problems(program)
    assert any(empty.title in p for p in problems)
    assert any(quiz.title in p for p in problems)


def test_publish_and_unpublish_and_archive():
    program = published_program()
    assert program.status == Program.Status.PUBLISHED
    assert program.published_at is not None
    services.program_unpublish(program=program)
    assert program.status == Program.Status.DRAFT
    services.program_archive(program=program)
    with pytest.raises(ValidationError):
        services.program_publish(program=program)
    services.program_restore(program=program)
    assert program.status == Program.Status.DRAFT


def test_published_programs_are_archived_not_deleted():
    program = published_program()
    services.program_unpublish(program=program)
    with pytest.raises(ValidationError, match="archive it instead"):
        services.program_delete(program=program)
    assert Program.objects.filter(pk=program.pk).exists()


def test_a_draft_never_published_can_be_deleted():
    program = make_program()
    services.program_delete(program=program)
    assert not Program.objects.exists()


def test_lessons_of_a_published_program_are_not_deleted():
    program = published_program()
    lesson = Lesson.objects.filter(module__program=program).first()
    with pytest.raises(ValidationError):
        services.lesson_delete(lesson=lesson)
    with pytest.raises(ValidationError):
        services.module_delete(module=lesson.module)
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_move_swaps_with_the_neighbour_and_stops_at_the_edges():
    program = make_program()
    a, _b, c = (services.module_create(program=program, title=t) for t in "ABC")
    assert services.module_move(module=c, direction="up") is True
    order = list(program.modules.order_by("position").values_list("title", flat=True))
    assert order == ["A", "C", "B"]
    a.refresh_from_db()
    assert services.module_move(module=a, direction="up") is False
    with pytest.raises(ValidationError):
        services.module_move(module=a, direction="sideways")


def test_lesson_move_stays_within_its_module():
    lesson_1 = LessonFactory(position=1)
    lesson_2 = LessonFactory(module=lesson_1.module, position=2)
    other = LessonFactory(position=1)
    services.lesson_move(lesson=lesson_2, direction="up")
    assert list(lesson_1.module.lessons.values_list("pk", flat=True)) == [lesson_2.pk, lesson_1.pk]
    other.refresh_from_db()
    assert other.position == 1


def test_questions_need_two_answers_and_a_correct_one():
    quiz = LessonFactory(kind="knowledge_check")
    with pytest.raises(ValidationError):
        services.question_create(lesson=quiz, prompt="Q?", choices=[("Only one", True)])
    with pytest.raises(ValidationError):
        services.question_create(lesson=quiz, prompt="Q?", choices=[("A", False), ("B", False)])
    with pytest.raises(ValidationError):
        services.question_create(
            lesson=quiz, prompt="Q?", choices=[("A", True), ("B", True)], kind="single"
        )
    assert not Question.objects.exists()
    question = services.question_create(
        lesson=quiz, prompt="Q?", choices=[("A", True), ("B", True), ("  ", False)], kind="multiple"
    )
    assert question.choices.count() == 2


def test_only_knowledge_checks_have_questions():
    with pytest.raises(ValidationError):
        services.question_create(
            lesson=LessonFactory(kind="reading"), prompt="Q?", choices=[("A", True), ("B", False)]
        )


def test_duplicate_is_a_deep_copy_as_a_draft():
    program = published_program(modules=2, lessons_per_module=2)
    quiz_module = program.modules.first()
    quiz = services.lesson_create(module=quiz_module, title="Check", kind="knowledge_check")
    services.question_create(lesson=quiz, prompt="Q?", choices=[("A", True), ("B", False)])
    program.issue_areas.set(IssueArea.objects.filter(slug__in=["housing", "budget"]))

    copy = services.program_duplicate(program=program, title="Academy 2027", slug="academy-2027")

    assert copy.status == Program.Status.DRAFT
    assert copy.published_at is None
    assert set(copy.issue_areas.values_list("slug", flat=True)) == {"housing", "budget"}
    original = [
        (m.title, [lesson.title for lesson in m.lessons.all()]) for m in program.modules.all()
    ]
    copied = [(m.title, [lesson.title for lesson in m.lessons.all()]) for m in copy.modules.all()]
    assert copied == original
    copied_quiz = Lesson.objects.get(module__program=copy, title="Check")
    assert [(c.text, c.is_correct) for c in copied_quiz.questions.get().choices.all()] == [
        ("A", True),
        ("B", False),
    ]
    # The original is untouched.
    assert Lesson.objects.filter(module__program=program).count() == 5


def test_program_totals_are_annotated():
    program = published_program(modules=2, lessons_per_module=3)
    annotated = Program.objects.with_outline_totals().get(pk=program.pk)
    assert (annotated.module_count, annotated.lesson_count, annotated.lesson_minutes) == (2, 6, 30)


def test_factory_program_defaults():
    assert ProgramFactory().status == Program.Status.DRAFT


@pytest.mark.parametrize("kind", [*Lesson.Kind.values, "retired-kind"])
def test_kind_label_reads_like_get_kind_display(kind):
    lesson = Lesson(kind=kind)
    assert str(lesson.kind_label) == lesson.get_kind_display()
