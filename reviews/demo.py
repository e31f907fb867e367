"""Demo reviewers: one of MSS and one of iPark, with different expertise."""

from accounts.demo import demo_user
from common.demo import DemoLogin, upsert
from programs.enums import Field, Organisation

from .models import Reviewer

REVIEWERS = [
    (
        Organisation.MSS,
        "reviewer.mss@demo.mou-portal.example",
        "Lee Seo-yeon (MSS reviewer)",
        "ko",
        [Field.CELL_THERAPY, Field.GENE_THERAPY, Field.ICT],
    ),
    (
        Organisation.IPARK,
        "reviewer.ipark@demo.mou-portal.example",
        "Tanaka Kenji (iPark reviewer)",
        "ja",
        [Field.REGENERATIVE_MEDICINE, Field.CELL_THERAPY, Field.OTHER_BIOTECH],
    ),
]


def seed() -> list[DemoLogin]:
    logins = []
    password = "demo-reviewer-2027"
    for organisation, email, name, language, expertise in REVIEWERS:
        user = demo_user(email=email, password=password, display_name=name, language=language)
        upsert(
            Reviewer,
            {"user": user},
            {"organisation": organisation, "expertise": [str(field) for field in expertise]},
        )
        label = "MSS" if organisation == Organisation.MSS else "iPark"
        logins.append(DemoLogin(f"reviewer ({label})", email, password))
    return logins
