"""Screen-reader labels are translated: no template writes a label in English literally."""

import re
from pathlib import Path

from django.conf import settings

ATTRIBUTE = re.compile(r'\b(aria-label|aria-description|aria-roledescription|alt)="([^"]*)"')


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for path in root.glob("**/templates/**/*.html")
        if not {".venv", "staticfiles", "node_modules"} & set(path.parts)
    ]


def test_screen_reader_labels_in_templates_are_translated():
    literal = []
    for path in _templates():
        for match in ATTRIBUTE.finditer(path.read_text(encoding="utf-8")):
            value = match.group(2).strip()
            if value and not value.startswith(("{%", "{{")):
                literal.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert literal == []


def test_breadcrumb_label_of_manager_pages_is_read_in_korean_and_japanese():
    from django.template.loader import render_to_string
    from django.utils import translation

    for language, expected in (("en", "Breadcrumb"), ("ko", "현재 위치"), ("ja", "パンくずリスト")):
        with translation.override(language):
            html = render_to_string("programs/manage/_breadcrumbs.html", {})
        assert f'<nav aria-label="{expected}">' in html
