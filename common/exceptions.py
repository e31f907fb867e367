"""Exceptions shared by the domain apps' services."""

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A state change that the transition table or a precondition does not allow."""
