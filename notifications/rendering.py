"""Rendering a notification from the templates of its kind, in one language.

Each kind has three templates in ``notifications/templates/notifications/<kind>/``:

* ``subject.txt`` – one line (line breaks are folded, the result is cut at 255 chars);
* ``body.txt`` – the plain-text e-mail, usually extending ``notifications/email/base.txt``;
* ``body.html`` – the HTML e-mail, extending ``notifications/email/base.html`` (a
  self-contained layout: no images, fonts or style sheets fetched from elsewhere).

Their context: ``recipient``, ``target`` (the object the notification is about),
``actor`` (who caused it, may be ``None``), ``site_url``, ``url`` (the absolute link, or
``""``), ``essential`` (e-mailed whatever the opt-out) and whatever the caller passed as
``context``. Plain-text templates are rendered without HTML escaping, so “R&D” stays
“R&D” in a subject.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.template import Context, Engine, engines
from django.template.loader import render_to_string
from django.utils import translation

SUBJECT_MAX_LENGTH = 255


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    body_html: str


@cache
def text_engine() -> Engine:
    """The project's template engine (same loaders, tags and filters) without
    autoescaping, for plain-text e-mail."""
    django_engine = engines["django"].engine
    return Engine(
        dirs=django_engine.dirs,
        loaders=django_engine.loaders,
        libraries=django_engine.libraries,
        builtins=django_engine.builtins,
        string_if_invalid=django_engine.string_if_invalid,
        file_charset=django_engine.file_charset,
        debug=django_engine.debug,
        autoescape=False,
    )


def template_names(kind: str) -> tuple[str, str, str]:
    base = f"notifications/{kind}"
    return f"{base}/subject.txt", f"{base}/body.txt", f"{base}/body.html"


def absolute_url(link: str) -> str:
    """A portal path made absolute with ``SITE_URL``; full URLs pass unchanged."""
    if link.startswith("/"):
        return settings.SITE_URL + link
    return link


def render_notification(*, kind: str, language: str, context: dict) -> Rendered:
    """Subject and bodies of ``kind`` in ``language`` (the time zone stays the portal's)."""
    subject_name, text_name, html_name = template_names(kind)
    with translation.override(language):
        engine = text_engine()
        subject = engine.get_template(subject_name).render(Context(context, autoescape=False))
        body = engine.get_template(text_name).render(Context(context, autoescape=False))
        body_html = render_to_string(html_name, context)
    subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
    return Rendered(subject=subject, body=tidy_text(body), body_html=body_html)


def tidy_text(text: str) -> str:
    """Template tags leave blank lines and trailing spaces behind; a plain-text e-mail
    keeps single blank lines between paragraphs only."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)) + "\n"


_BLANK_RUNS = re.compile(r"\n{3,}")
