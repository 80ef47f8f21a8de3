"""Background tasks of the platform (Django tasks; `manage.py db_worker` runs them)."""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task()
def send_invitation_email(*, invitation_id: int, accept_url: str) -> None:
    from .models import Invitation

    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    with translation.override("ja"):
        context = {"invitation": invitation, "accept_url": accept_url}
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
