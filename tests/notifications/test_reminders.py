from datetime import UTC, datetime, timedelta

import pytest

from notifications import reminders
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.reminders import Due, Reminder, offset_label, reminder, reminders_send
from tests.factories import CycleFactory, UserFactory

pytestmark = pytest.mark.django_db

CLOSES = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)  # 18:00 KST/JST


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, so its reminders do not leak into others."""
    fresh: dict[str, Reminder] = {}
    monkeypatch.setattr(reminders, "REMINDERS", fresh)
    return fresh


@pytest.fixture
def closing_cycle(registry):
    """A registered reminder: every open cycle closing soon, to two people."""
    cycle = CycleFactory(closes_at=CLOSES)
    people = [UserFactory(email="a@example.com"), UserFactory(email="b@example.com")]

    @reminder(kind=NotificationKind.TEST_MESSAGE, offsets=[timedelta(days=1), timedelta(days=3)])
    def calls_closing(*, now, until):
        for item in type(cycle).objects.filter(closes_at__gt=now, closes_at__lte=until):
            yield Due(
                target=item,
                deadline=item.closes_at,
                recipients=people,
                context={"requested_at": now},
            )

    return cycle, people


def test_decorator_registers_the_reminder_under_its_function_name(registry, closing_cycle):
    (entry,) = registry.values()

    assert entry.name == "calls_closing"
    assert entry.kind == "test_message"
    assert entry.offsets == (timedelta(days=3), timedelta(days=1))


def test_nothing_is_sent_before_the_first_offset(closing_cycle):
    assert reminders_send(now=CLOSES - timedelta(days=3, minutes=1)) == 0
    assert not Notification.objects.exists()


def test_each_offset_is_sent_once_to_each_recipient(closing_cycle):
    cycle, _people = closing_cycle

    three_days = reminders_send(now=CLOSES - timedelta(days=3))
    again = reminders_send(now=CLOSES - timedelta(days=2, hours=12))
    one_day = reminders_send(now=CLOSES - timedelta(hours=23))
    last_run = reminders_send(now=CLOSES - timedelta(minutes=5))

    assert (three_days, again, one_day, last_run) == (2, 0, 2, 0)
    assert sorted(Notification.objects.values_list("event_key", "recipient__email")) == [
        ("reminder:calls_closing:1d:20270331T0900Z", "a@example.com"),
        ("reminder:calls_closing:1d:20270331T0900Z", "b@example.com"),
        ("reminder:calls_closing:3d:20270331T0900Z", "a@example.com"),
        ("reminder:calls_closing:3d:20270331T0900Z", "b@example.com"),
    ]
    assert {n.target for n in Notification.objects.all()} == {cycle}


def test_an_item_found_late_gets_only_the_nearest_reminder(closing_cycle):
    reminders_send(now=CLOSES - timedelta(hours=12))

    assert set(Notification.objects.values_list("event_key", flat=True)) == {
        "reminder:calls_closing:1d:20270331T0900Z"
    }


def test_nothing_is_sent_once_the_deadline_has_passed(closing_cycle):
    assert reminders_send(now=CLOSES) == 0
    assert reminders_send(now=CLOSES + timedelta(hours=1)) == 0


def test_a_moved_deadline_gets_its_own_reminders(closing_cycle):
    cycle, _people = closing_cycle
    reminders_send(now=CLOSES - timedelta(hours=20))
    extended = CLOSES + timedelta(days=7)
    type(cycle).objects.filter(pk=cycle.pk).update(closes_at=extended)

    sent = reminders_send(now=extended - timedelta(hours=20))

    assert sent == 2
    assert Notification.objects.filter(event_key__endswith="20270407T0900Z").count() == 2


def test_one_failing_item_does_not_stop_the_others(registry, caplog):
    good = UserFactory()
    target = CycleFactory(closes_at=CLOSES)

    @reminder(kind=NotificationKind.TEST_MESSAGE, offsets=[timedelta(days=1)], name="a_broken")
    def broken(*, now, until):
        yield Due(target=UserFactory.build(), deadline=CLOSES, recipients=[good])

    @reminder(kind=NotificationKind.TEST_MESSAGE, offsets=[timedelta(days=1)], name="b_working")
    def working(*, now, until):
        yield Due(target=target, deadline=CLOSES, recipients=[good], context={"requested_at": now})

    sent = reminders_send(now=CLOSES - timedelta(hours=1))

    assert sent == 1
    assert "Reminder a_broken failed" in caplog.text


def test_register_refuses_a_second_reminder_of_the_same_name(registry):
    reminder(kind="welcome", offsets=[timedelta(days=1)], name="twice")(lambda **kw: [])

    with pytest.raises(ValueError, match="already registered"):
        reminder(kind="welcome", offsets=[timedelta(days=2)], name="twice")(lambda **kw: [])


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "no_such_kind", "offsets": [timedelta(days=1)]},
        {"kind": "welcome", "offsets": []},
        {"kind": "welcome", "offsets": [timedelta(0)]},
        {"kind": "welcome", "offsets": [timedelta(days=1)], "name": "x" * 41},
    ],
)
def test_register_refuses_a_malformed_reminder(registry, bad):
    with pytest.raises(ValueError):
        reminder(**bad)(lambda **kw: [])

    assert registry == {}


def test_offset_labels_are_short_and_stable():
    assert [
        offset_label(timedelta(days=3)),
        offset_label(timedelta(hours=36)),
        offset_label(timedelta(minutes=90)),
        offset_label(timedelta(seconds=45)),
    ] == ["3d", "36h", "90m", "45s"]
