"""E-mail kinds owned by accounts, registered with the outbox when the app is ready."""

from belong import mail


@mail.register("account.message", ephemeral=True)
def account_message(context: dict) -> mail.Rendered:
    # allauth rendered the message in the request; the templates print what it made.
    return mail.Rendered()
