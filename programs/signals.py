"""Signals through which the apps that build on programs take part in a call's set-up
without programs importing them (the dependency runs programs ← applications ← reviews).

Receivers are connected in each app's ``AppConfig.ready``.
"""

from django.dispatch import Signal

# Asked before a setting changes: each receiver returns ``{setting group: reason}`` for the
# groups it locks (``"rubric"`` once a score is saved, ``"quota"`` once both organisations
# approved the decisions). Arguments: ``cycle``.
setting_locks = Signal()

# Asked by the pre-flight checklist of opening a call: each receiver returns a list of
# ``programs.services.Check``. Arguments: ``cycle``.
preflight_checks = Signal()

# Sent inside the transaction after a call was created as a copy of another, so that the
# other apps copy what they keep of it (the reviewer pool). Arguments: ``source``,
# ``cycle``, ``actor``.
cycle_copied = Signal()

# Sent inside the transaction after a call's closing date moved while it is open (later) or
# after it was closed before its closing date. Receivers tell the companies with drafts.
# Arguments: ``cycle``, ``old`` and ``new`` (closing moments), ``early`` (closed now, before
# the published date), ``actor``. Receivers return how many people they notified.
deadline_changed = Signal()

# Asked by a phase control's confirmation page: each receiver returns a list of sentences
# (in the current language) saying what the action does to the people and data it knows
# of, with counts. Arguments: ``cycle``, ``action`` (one of ``PHASE_ACTIONS`` of
# ``programs.services.phases``).
phase_consequences = Signal()
