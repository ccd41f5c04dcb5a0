import pytest

from modules.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<p onclick="steal()">hi</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ],
)
def test_dangerous_markup_is_stripped(source, forbidden):
    assert forbidden not in render_markdown(source).lower()


def test_ordinary_markdown_survives():
    html = render_markdown(
        "## Budget basics\n\n- **Revenue**\n- *Spending*\n\n[Toolkit](https://localprogress.org/toolkit)\n\n"
        "| Fund | Amount |\n|---|---|\n| General | $10M |"
    )
    assert "<h2>Budget basics</h2>" in html
    assert "<strong>Revenue</strong>" in html
    assert "<table>" in html
    assert 'href="https://localprogress.org/toolkit"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
