"""The translation catalogs: Spanish complete, the public pages in every offered language, compiled.

Regenerate and compile with `scripts/messages`; these tests say what is still missing.
"""

from __future__ import annotations

import functools
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from . import pofile

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"

# Translated for the whole portal and its e-mails.
COMPLETE_LOCALES = [to_locale(code) for code in settings.PORTAL_LANGUAGES if code != settings.LANGUAGE_CODE]
# Translated for the public pages only (everything else falls back to English).
PUBLIC_LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES if code not in settings.PORTAL_LANGUAGES]
ALL_LOCALES = COMPLETE_LOCALES + PUBLIC_LOCALES

# The pages anyone can open without signing in, and the Python files whose strings they show
# (form labels and errors, status and choice labels, the messages of their views).
PUBLIC_SOURCES = {
    "templates/base.html",
    # Shown to anyone whose request the portal refuses as malformed (e.g. a control character in the address).
    "templates/400.html",
    "templates/403.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    # The accessibility statement, linked from every page's footer.
    "templates/belong/accessibility.html",
    # The anonymous comment form, the page that shows the receipt code, and the receipt check.
    "templates/comments/form.html",
    "templates/comments/_field.html",
    "templates/comments/sent.html",
    "templates/comments/receipt.html",
    "comments/forms.py",
    "comments/models.py",
    "comments/views.py",
    # A group's public page (with its meeting schedule), the list of such groups, and the home page.
    "templates/meetings/public_schedule.html",
    "templates/meetings/_when.html",
    "templates/groups/public_directory.html",
    "templates/groups/_mark.html",
    "templates/home/home.html",
    # The public equity plan overview.
    "templates/equity_plan/plan_index.html",
    "templates/equity_plan/plan_detail.html",
    "templates/equity_plan/_plan_overview.html",
    "templates/equity_plan/_head.html",
    "templates/equity_plan/_plan_badges.html",
    "templates/equity_plan/_progress.html",
    "templates/equity_plan/_status_counts.html",
    "templates/equity_plan/_workstream_tree.html",
    "templates/equity_plan/_status.html",
    "equity_plan/models.py",
    "equity_plan/templatetags/equity_plan_tags.py",
    # The district's reply to a comment is e-mailed in the language the comment was written in.
    "templates/emails/comments.reply.subject.txt",
    "templates/emails/comments.reply.txt",
    "templates/emails/comments.reply.html",
}

# Entries a public page's source holds but no public page shows (none today: the plan editors' "100% done"
# message, which xgettext took for a "% d" directive, was reworded so every language can translate it).
NOT_SHOWN_PUBLICLY: set[str] = set()

_PYTHON_FORMAT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_BRACE_FORMAT = re.compile(r"\{[^{}]*\}")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@functools.cache
def _entries(locale: str) -> tuple[pofile.Entry, ...]:
    entries = pofile.parse(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po")
    return tuple(entry for entry in entries if not entry.is_header)


def catalog(locale: str) -> list[pofile.Entry]:
    return list(_entries(locale))


def describe(entries: list[pofile.Entry]) -> str:
    return "\n".join(f"  {entry.msgid!r} ({', '.join(sorted(entry.files))})" for entry in entries)


def placeholders(entry: pofile.Entry, text: str) -> Counter:
    found: list[str] = []
    if "python-format" in entry.flags:
        found += _PYTHON_FORMAT.findall(text)
    if "python-brace-format" in entry.flags:
        found += _BRACE_FORMAT.findall(text)
    return Counter(found)


def test_it_has_a_catalog_for_every_offered_language():
    offered = {to_locale(code) for code, _name in settings.LANGUAGES} - {to_locale(settings.LANGUAGE_CODE)}
    assert offered == set(ALL_LOCALES)
    for locale in ALL_LOCALES:
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / "django.po").is_file(), locale
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo").is_file(), f"{locale}: run scripts/messages"


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_it_translates_every_string_of_a_portal_language(locale):
    missing = [entry for entry in catalog(locale) if entry.fuzzy or not entry.translated]
    assert not missing, f"{locale}: {len(missing)} untranslated or fuzzy entries:\n{describe(missing)}"


@pytest.mark.parametrize("locale", PUBLIC_LOCALES)
def test_it_translates_every_string_of_the_public_pages(locale):
    missing = [
        entry
        for entry in catalog(locale)
        if entry.files & PUBLIC_SOURCES
        and entry.msgid not in NOT_SHOWN_PUBLICLY
        and (entry.fuzzy or not entry.translated)
    ]
    assert not missing, f"{locale}: {len(missing)} public-page entries untranslated or fuzzy:\n{describe(missing)}"


def test_it_knows_every_public_source_file():
    # A renamed template would otherwise silently drop its strings from the check above.
    missing = sorted(path for path in PUBLIC_SOURCES if not (Path(settings.BASE_DIR) / path).is_file())
    assert not missing


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_it_keeps_placeholders_and_tags_in_every_translation(locale):
    problems = []
    for entry in catalog(locale):
        if not entry.translated:
            continue
        if entry.msgid_plural is None:
            translation = entry.msgstr[0]
            if placeholders(entry, translation) != placeholders(entry, entry.msgid):
                problems.append(f"placeholders differ: {entry.msgid!r} → {translation!r}")
            if sorted(_HTML_TAG.findall(translation)) != sorted(_HTML_TAG.findall(entry.msgid)):
                problems.append(f"HTML tags differ: {entry.msgid!r} → {translation!r}")
            continue
        allowed = set(placeholders(entry, entry.msgid)) | set(placeholders(entry, entry.msgid_plural))
        forms = [entry.msgstr[index] for index in sorted(entry.msgstr)]
        for form in forms:
            if not set(placeholders(entry, form)) <= allowed:
                problems.append(f"unknown placeholder: {entry.msgid_plural!r} → {form!r}")
        if set(placeholders(entry, forms[-1])) != set(placeholders(entry, entry.msgid_plural)):
            problems.append(f"plural placeholders differ: {entry.msgid_plural!r} → {forms[-1]!r}")
    assert not problems, f"{locale}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_it_ships_a_compiled_catalog_matching_its_source(locale):
    expected = {}
    for entry in catalog(locale):
        if entry.fuzzy or not entry.translated:
            continue  # msgfmt leaves these out: the page shows English
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        found = {key: text for key, text in gettext.GNUTranslations(compiled)._catalog.items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() ^ found.keys())
    stale += sorted(str(key) for key in expected.keys() & found.keys() if expected[key] != found[key])
    assert not stale, f"{locale}: django.mo does not match django.po; run scripts/messages --compile. {stale[:5]}"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_it_passes_the_msgfmt_checks(locale):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_it_has_every_marked_string_of_the_code_in_the_catalogs(tmp_path):
    """Extract the strings afresh from a copy of the sources: a new string fails until it is merged."""
    root = Path(settings.BASE_DIR)
    skipped = {".venv", ".data", ".git", "bench", "tests", "locale", "staticfiles", "node_modules", ".ci", "static"}
    for item in root.iterdir():
        if item.name in skipped or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(item, tmp_path / item.name)
    (tmp_path / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://unused@127.0.0.1:1/x"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=True,
    )
    fresh = {entry.key for entry in pofile.parse(tmp_path / "locale/es/LC_MESSAGES/django.po") if not entry.is_header}
    committed = {entry.key for entry in catalog("es")}
    new = "\n".join(f"  {msgid!r}" for _ctx, msgid in sorted(fresh - committed))
    assert not new, f"New strings not in the catalogs; run scripts/messages and translate them:\n{new}"
    gone = "\n".join(f"  {msgid!r}" for _ctx, msgid in sorted(committed - fresh))
    assert not gone, f"Strings no longer in the code; run scripts/messages:\n{gone}"
