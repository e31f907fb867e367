import pytest
from django.template.loader import get_template

from notifications.enums import (
    DELIVERY_TRANSITIONS,
    ESSENTIAL_KINDS,
    DeliveryState,
    NotificationKind,
    kind_label,
)
from notifications.rendering import template_names, text_engine


def test_delivery_transitions_move_forward_from_pending_only():
    assert {
        "pending": {"sent", "failed", "skipped"},
        "failed": {"pending"},
        "sent": set(),
        "skipped": set(),
    } == DELIVERY_TRANSITIONS


def test_delivery_transitions_cover_every_state():
    assert set(DELIVERY_TRANSITIONS) == set(DeliveryState)
    assert all(targets <= set(DeliveryState) for targets in DELIVERY_TRANSITIONS.values())


def test_essential_kinds_are_kinds():
    assert set(NotificationKind) >= ESSENTIAL_KINDS
    assert NotificationKind.TEST_MESSAGE in ESSENTIAL_KINDS
    assert NotificationKind.WELCOME not in ESSENTIAL_KINDS


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_kind_has_its_three_templates(kind):
    subject, text, html = template_names(kind)

    assert text_engine().get_template(subject)
    assert text_engine().get_template(text)
    assert get_template(html)


def test_kind_label_shows_the_label_or_the_slug_of_a_retired_kind():
    assert kind_label("welcome") == "Welcome"
    assert kind_label("retired_kind") == "retired_kind"
