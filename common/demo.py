"""Helpers for idempotent demo data: create what is missing, update only what differs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


def upsert(model, lookup: dict, values: dict):
    """Like ``update_or_create`` but saves only when a value actually differs, so that a
    second run leaves rows (and their ``updated_at``) untouched. Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return obj, bool(changed)


def translated(field: str, en: str, ko: str, ja: str) -> dict[str, str]:
    """Values of a modeltranslation field in the three languages, plus the field itself
    (English, the source language), for ``upsert`` or ``objects.create``."""
    return {field: en, f"{field}_en": en, f"{field}_ko": ko, f"{field}_ja": ja}
