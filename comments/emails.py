"""E-mail kinds owned by comments, registered with the outbox when the app is ready."""

from django.conf import settings
from django.urls import reverse

from belong import mail
from belong.models import SiteSettings

from .models import Comment


# No preference category: the writer asked for this reply by giving their address.
@mail.register("comments.reply")
def comment_reply(context: dict) -> mail.Rendered:
    comment = Comment.objects.select_related("topic").get(pk=context["comment_id"])
    return mail.Rendered(
        context={"comment": comment, "receipt_url": f"{settings.SITE_URL}{reverse('comments:receipt')}"},
        from_name=SiteSettings.current().contact_name,
    )
