"""After the deadline minute: exactly one submission per applicant, unique gapless
references, one receipt per member, all e-mailed. Waits up to two minutes for the worker."""

import sys
import time


def verify(applicants: int) -> list[str]:
    from django.db.models import Count

    from applications.enums import ApplicationStatus
    from applications.models import Application, Membership
    from notifications.enums import DeliveryState, NotificationKind
    from notifications.models import Notification

    problems = []
    submitted = Application.objects.filter(cycle__code="2027LT", status=ApplicationStatus.SUBMITTED)
    sequences = sorted(submitted.values_list("sequence", flat=True))
    references = list(submitted.values_list("reference", flat=True))
    if len(sequences) != applicants:
        problems.append(f"{len(sequences)} submissions, expected {applicants}")
    if sequences != list(range(1, len(sequences) + 1)):
        problems.append("sequences are not gapless from 1")
    if len(set(references)) != len(references):
        problems.append("duplicate references")
    members = Membership.objects.filter(company__applications__in=submitted).count()
    receipts = Notification.objects.filter(kind=NotificationKind.APPLICATION_SUBMITTED)
    deadline = time.monotonic() + 120
    while receipts.exclude(state=DeliveryState.SENT).exists() and time.monotonic() < deadline:
        time.sleep(2)
    per_member = receipts.values("recipient").annotate(n=Count("pk"))
    if receipts.count() != members or any(row["n"] != 1 for row in per_member):
        problems.append(f"{receipts.count()} receipts for {members} members")
    unsent = receipts.exclude(state=DeliveryState.SENT).count()
    if unsent:
        problems.append(f"{unsent} receipts not e-mailed")
    print(
        f"submissions {len(sequences)}, references {len(set(references))} unique "
        f"({references and min(references)} … {references and max(references)}), "
        f"receipts {receipts.count()} for {members} members, not e-mailed {unsent}"
    )
    return problems


if __name__ == "__main__":
    import django

    django.setup()
    found = verify(int(sys.argv[1]))
    for problem in found:
        print("PROBLEM:", problem)
    sys.exit(1 if found else 0)
