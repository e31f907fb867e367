"""Who may set up and run a call (django-rules).

A call is set up and run by the program managers of its program, MSS or iPark alike.
Superusers are site operators, not part of the program's process: without a program
manager profile they do not set up calls.
"""

import rules


def _program_id(program) -> int | None:
    return getattr(program, "pk", program)


@rules.predicate
def is_program_manager(user, program) -> bool:
    """An active program manager of ``program`` (a ``Program`` or its id)."""
    if program is None or not user.is_authenticated:
        return False
    manager = getattr(user, "program_manager", None)
    return (
        manager is not None
        and manager.is_active
        and manager.programs.filter(pk=_program_id(program)).exists()
    )


@rules.predicate
def is_call_manager(user, cycle) -> bool:
    """An active program manager of the call's program."""
    return cycle is not None and is_program_manager(user, cycle.program_id)


rules.add_perm("programs.set_up_call", is_program_manager)
rules.add_perm("programs.change_call", is_call_manager)
rules.add_perm("programs.view_call_activity", is_call_manager)
