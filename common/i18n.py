"""Translation helpers with more than one user."""

from django.utils.functional import Promise, lazy


def _interpolate(message, params: dict) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


_interpolate_lazy = lazy(_interpolate, str)


def lazy_interpolate(message: Promise | str, **params) -> Promise:
    """``gettext_lazy("Move to phase: %(phase)s")`` with its parameters, still lazy.

    ``_("…") % {...}`` at import time would translate once, in the language active
    then (English); labels built at import (admin actions) must stay lazy.
    """
    return _interpolate_lazy(message, params)
