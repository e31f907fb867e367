"""Celery tasks of the applications domain: thin, take IDs, load, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(name="applications.send_invitation_email")
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation to join a company, in the language the owner used.

    The invited person may have no account yet, so this is a plain e-mail rather than an
    inbox notification. Returns False when the invitation is gone or already used.
    """
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("company", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    context = {
        "invitation": invitation,
        "company": invitation.company,
        "inviter": invitation.invited_by,
        "url": f"{settings.SITE_URL}{invitation.get_absolute_url()}",
        "signup_url": f"{settings.SITE_URL}/accounts/signup/",
    }
    with translation.override(invitation.language):
        subject = render_to_string("applications/email/invitation_subject.txt", context)
        text = render_to_string("applications/email/invitation_body.txt", context)
        html = render_to_string("applications/email/invitation_body.html", context)
    message = EmailMultiAlternatives(
        subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[invitation.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True
