"""Set up the deadline minute: an open call closing soon and ``n`` companies (an owner and a
second member each) with complete drafts, and a signed-in session per owner, written as
JSON for the locustfile. Run by ``loadtest/run.py`` against its own database."""

import json
import sys
from datetime import timedelta


def prepare(n: int, out: str, closes_in: int) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from applications import services
    from applications.enums import MembershipRole
    from applications.models import Company, Membership
    from programs.enums import CyclePhase, Field, Track
    from programs.models import Cycle, Program
    from reviews.scale import _business_number

    now = timezone.now()
    program = Program.objects.get(track=Track.STARTUP_SUPPORT)
    cycle = Cycle.objects.create(
        program=program,
        name="Deadline minute",
        slug="deadline-minute",
        code="2027LT",
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(seconds=closes_in),
        review_due_at=now + timedelta(days=20),
        announce_at=now + timedelta(days=30),
        selection_quota=30,
        reviews_per_application=2,
        required_document_kinds=[],
        phase=CyclePhase.OPEN,
    )
    password = make_password(None)
    sessions = []
    with transaction.atomic():
        for i in range(n):
            owner = User.objects.create(
                email=f"owner{i}@loadtest.example", password=password, preferred_language="ko"
            )
            member = User.objects.create(
                email=f"member{i}@loadtest.example", password=password, preferred_language="ja"
            )
            company = Company.objects.create(
                name_ko=f"부하 {i}",
                name_en=f"Load Bio {i}",
                business_number=_business_number(900_000 + i),
                founded_on=now.date() - timedelta(days=1000),
                employees=10,
                field=Field.CELL_THERAPY,
                representative="Kim",
                address="Seoul",
                description="Load test company.",
                created_by=owner,
            )
            Membership.objects.create(company=company, user=owner, role=MembershipRole.OWNER)
            Membership.objects.create(company=company, user=member, role=MembershipRole.MEMBER)
            application, _ = services.application_start(company=company, cycle=cycle, actor=owner)
            services.application_update(
                application=application,
                actor=owner,
                expected_version=application.version,
                data={
                    "title": f"Project {i}",
                    "summary": "A load test project.",
                    "team": "Three founders.",
                    "budget_krw": 100_000_000,
                    "timeline": "Twelve months.",
                    "biotech_field": Field.CELL_THERAPY.value,
                    "development_stage": "preclinical",
                    "ipark_needs": "Lab space.",
                    "clinical_plan": "Phase 1 in 2029.",
                },
            )
            session = SessionStore()
            session[SESSION_KEY] = str(owner.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
            session.create()
            url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "review"})
            sessions.append({"session": session.session_key, "url": url})
    with open(out, "w") as file:
        json.dump(sessions, file)


if __name__ == "__main__":
    import django

    django.setup()
    prepare(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
