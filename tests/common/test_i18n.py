from django.utils import translation

from common.i18n import lazy_interpolate
from programs.admin import CycleAdmin
from programs.enums import CyclePhase


def test_lazy_interpolate_translates_when_read_not_when_built():
    label = lazy_interpolate("Phase: %(phase)s", phase=CyclePhase.OPEN.label)

    with translation.override("ja"):
        japanese = str(label)
    with translation.override("en"):
        english = str(label)

    assert english == "Phase: Open for applications"
    assert japanese != english and japanese.startswith("Phase: ")


def test_admin_phase_actions_are_labelled_in_the_active_language():
    action = next(a for a in CycleAdmin.actions if a.__name__ == "move_to_open")

    with translation.override("en"):
        english = str(action.short_description)
    with translation.override("ko"):
        korean = str(action.short_description)

    assert english == "Move to phase: Open for applications"
    assert korean != english
