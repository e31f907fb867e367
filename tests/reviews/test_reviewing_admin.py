"""The admin shows pledges, conflicts, assignments and reviews, and changes none of them
(they change only through the portal's services)."""

import pytest
from django.urls import reverse

from reviews.models import ConflictDeclaration
from tests.factories import UserFactory
from tests.support.reviewing import (
    assigned,
    review_cycle,
    under_review,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["pledgeacceptance", "conflictdeclaration", "assignment"])
def test_admin_lists_reviewing_records_read_only(client, model, mss_reviewer):
    application = under_review(review_cycle())
    assignment = assigned(application, mss_reviewer)
    conflict = ConflictDeclaration.objects.create(
        reviewer=mss_reviewer, company=application.company, reason="Advisor"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    obj = {"assignment": assignment, "conflictdeclaration": conflict}.get(
        model, mss_reviewer.pledges.first()
    )

    listing = client.get(reverse(f"admin:reviews_{model}_changelist"))
    detail = client.get(reverse(f"admin:reviews_{model}_change", args=[obj.pk]))
    add = client.get(reverse(f"admin:reviews_{model}_add"))
    delete = client.post(reverse(f"admin:reviews_{model}_delete", args=[obj.pk]), {"post": "yes"})

    assert listing.status_code == 200 and detail.status_code == 200
    assert 'type="submit" value="Save"' not in detail.content.decode()
    assert add.status_code == 403 and delete.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
