"""The Korean and Japanese catalogues are complete, well-formed and current.

English is the source language; every string a user can see is marked for translation,
and the ko/ja catalogues must cover all of them: no untranslated or fuzzy entry, the same
placeholders and markup as the English, a committed ``.mo`` that is what the ``.po``
compiles to, and a ``.po`` that lists exactly the strings the code marks today.
"""

import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.services import missing

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["ko", "ja"]

# The same call as `make messages`, so what the test checks is what a developer runs.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "ko",
    "-l",
    "ja",
    "--no-obsolete",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--ignore=media",
]
NOT_SOURCE = {".venv", ".git", "staticfiles", "media", "node_modules", ".pytest_cache"}


@dataclass
class Entry:
    context: str = ""
    msgid: str = ""
    plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')]


def parse_po(path: Path) -> dict[tuple[str, str], Entry]:
    """Entries by (context, msgid), without the header and obsolete (#~) entries. The
    strings keep their .po escapes: enough to compare two catalogues and count."""
    entries: dict[tuple[str, str], Entry] = {}
    entry, part = Entry(), None

    def flush():
        nonlocal entry
        if entry.msgid:
            entries[(entry.context, entry.msgid)] = entry
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            part = None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt"):
            part, entry.context = "context", _unquote(line)
        elif line.startswith("msgid_plural"):
            part, entry.plural = "plural", _unquote(line)
        elif line.startswith("msgid"):
            part, entry.msgid = "msgid", _unquote(line)
        elif line.startswith("msgstr"):
            part = "msgstr"
            entry.msgstrs.append(_unquote(line))
        elif line.startswith('"'):
            text = _unquote(line)
            if part == "msgstr":
                entry.msgstrs[-1] += text
            else:
                setattr(entry, part, getattr(entry, part) + text)
    flush()
    return entries


def catalogue(lang: str) -> dict[tuple[str, str], Entry]:
    return parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def test_the_parser_reads_what_it_must():
    """The checks below are only as good as the parser; a known catalogue reads right."""
    entries = catalogue("ja")
    assert len(entries) > 500
    draft = entries[("cycle phase", "Draft")]
    assert draft.msgstrs and draft.msgstrs[0]
    assert any(entry.plural for entry in entries.values())
    assert all(entry.msgid for entry in entries.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    entries = catalogue(lang)

    untranslated = [key for key, entry in entries.items() if not all(entry.msgstrs)]
    fuzzy = [key for key, entry in entries.items() if "fuzzy" in entry.flags]

    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_english(lang):
    wrong = []
    for (_, msgid), entry in catalogue(lang).items():
        for msgstr in entry.msgstrs:
            source = msgid + entry.plural
            # A plural's singular may say "one" where the English plural has %(count)s.
            if sorted(set(PLACEHOLDER.findall(msgstr))) != sorted(
                set(PLACEHOLDER.findall(source))
            ) or sorted(TAG.findall(msgstr)) != sorted(TAG.findall(msgid)):
                wrong.append((msgid, msgstr))

    assert wrong == [], f"{lang}: {len(wrong)} translations differ, e.g. {wrong[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_is_the_compiled_po(lang, tmp_path):
    """Django reads the .mo; a .po edited without recompiling would silently not show."""
    if not shutil.which("msgfmt"):
        missing("GNU gettext (msgfmt) is not installed: apt-get install gettext.")
    directory = LOCALE / lang / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(directory / "django.po")],
        check=True,
        capture_output=True,
    )

    with fresh.open("rb") as compiled, (directory / "django.mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), f"locale/{lang}/LC_MESSAGES/django.mo is stale: run `make messages`."


def test_the_catalogues_list_exactly_the_strings_the_code_marks(tmp_path):
    """makemessages on a copy of the source must find nothing new and nothing gone."""
    if not shutil.which("xgettext"):
        missing("GNU gettext (xgettext) is not installed: apt-get install gettext.")
    copy = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=lambda directory, names: [n for n in names if n in NOT_SOURCE or n == "db.sqlite3"],
    )

    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mou_portal.settings"},
    )
    assert result.returncode == 0, result.stderr

    for lang in LANGUAGES:
        current = set(catalogue(lang))
        regenerated = set(parse_po(copy / "locale" / lang / "LC_MESSAGES" / "django.po"))
        assert regenerated - current == set(), f"{lang}: marked but not in the .po"
        assert current - regenerated == set(), f"{lang}: in the .po but no longer marked"
