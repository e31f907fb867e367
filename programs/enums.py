"""Enumerations of the programs domain, with the named groups the rest of the code uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Track(models.TextChoices):
    STARTUP_SUPPORT = "startup_support", _("Advanced-biotech startup support")
    JOINT_RND = "joint_rnd", _("Korea–Japan joint R&D")
    OPEN_INNOVATION = "open_innovation", _("Japan–Korea open innovation")


# Prefix of application references, e.g. OI-2027R1-0042.
TRACK_REFERENCE_PREFIX = {
    Track.STARTUP_SUPPORT: "SS",
    Track.JOINT_RND: "JR",
    Track.OPEN_INNOVATION: "OI",
}


class Organisation(models.TextChoices):
    """The two MOU partners; reviewers and managers belong to one of them."""

    MSS = "mss", _("MSS (Ministry of SMEs and Startups)")
    IPARK = "ipark", _("iPark (Shonan Health Innovation Park)")


class Field(models.TextChoices):
    CELL_THERAPY = "cell_therapy", _("Cell therapy")
    GENE_THERAPY = "gene_therapy", _("Gene therapy")
    REGENERATIVE_MEDICINE = "regenerative_medicine", _("Regenerative medicine")
    OTHER_BIOTECH = "other_biotech", _("Other biotech")
    ICT = "ict", _("ICT")
    OTHER = "other", _("Other")


class CyclePhase(models.TextChoices):
    # "Draft" of a call reads differently from a draft application in Korean and Japanese.
    DRAFT = "draft", pgettext_lazy("cycle phase", "Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")
    REVIEW = "review", _("Under review")
    DECIDED = "decided", _("Decided")
    ANNOUNCED = "announced", _("Results announced")
    ARCHIVED = "archived", _("Archived")


# Phases a visitor may see; a draft cycle is the managers' work in progress.
PUBLIC_PHASES = frozenset(set(CyclePhase) - {CyclePhase.DRAFT})
# Phases once the cycle's results are announced: the staged outcomes are the companies'
# to see, and only the waitlist still moves (``Cycle.results_announced``).
ANNOUNCED_PHASES = frozenset({CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED})

# The cycle's life: which phase may follow which. Data, read at a glance and tested as data.
CYCLE_TRANSITIONS: dict[str, frozenset[str]] = {
    CyclePhase.DRAFT: frozenset({CyclePhase.OPEN}),
    CyclePhase.OPEN: frozenset({CyclePhase.CLOSED, CyclePhase.DRAFT}),
    CyclePhase.CLOSED: frozenset({CyclePhase.REVIEW, CyclePhase.OPEN}),
    CyclePhase.REVIEW: frozenset({CyclePhase.DECIDED}),
    CyclePhase.DECIDED: frozenset({CyclePhase.ANNOUNCED, CyclePhase.REVIEW}),
    CyclePhase.ANNOUNCED: frozenset({CyclePhase.ARCHIVED}),
    CyclePhase.ARCHIVED: frozenset(),
}


class ActivityKind(models.TextChoices):
    """What a line of a call's activity log records (``CycleActivity``)."""

    CREATED = "created", _("Call created")
    PHASE_CHANGED = "phase_changed", _("Phase changed")
    SETTING_CHANGED = "setting_changed", _("Setting changed")
    DECISION = "decision", _("Decision")
    APPROVAL = "approval", _("Approval")
    APPROVAL_WITHDRAWN = "approval_withdrawn", _("Approval withdrawn")
    OVERRIDE = "override", _("Override")
    ANNOUNCEMENT = "announcement", _("Announcement")


class HolderType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    COMPANY = "company", _("Company")


class IPStatus(models.TextChoices):
    GRANTED = "granted", _("Patent granted")
    PENDING = "pending", _("Patent pending")
    KNOW_HOW = "know_how", _("Know-how / trade secret")
    UNPROTECTED = "unprotected", _("Not protected")


class DocumentKind(models.TextChoices):
    BUSINESS_PLAN = "business_plan", _("Business plan")
    PITCH_DECK = "pitch_deck", _("Pitch deck")
    BUSINESS_REGISTRATION = "business_registration", _("Business registration certificate")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    IP_EVIDENCE = "ip_evidence", _("Patents and IP evidence")
    CLINICAL_PLAN = "clinical_plan", _("Clinical or demonstration protocol")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    OTHER = "other", _("Other supporting document")


TRL_CHOICES = [(level, str(level)) for level in range(1, 10)]
