"""Template comments that Django would print: `{# #}` ends at the line's end, so one spanning lines shows
its text on the page (a shared fragment once did, in every language)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_has_no_comment_tag_spanning_lines():
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt", ".xml", ".ics"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            opened = line.find("{#")
            if opened != -1 and "#}" not in line[opened:]:
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == [], "use {% comment %} for comments over several lines: " + ", ".join(found)
