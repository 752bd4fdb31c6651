"""Channel-layer group names and message types, shared by publishers and subscribers."""

PERMIT_CHANGED = "permit.changed"
APPLICATION_CHANGED = "application.changed"
PERMIT_REMINDER = "permit.reminder"


def permit_group(permit_id: int) -> str:
    return f"permit.{permit_id}"


def application_group(application_id: int) -> str:
    return f"application.{application_id}"


def sponsor_applications_group(sponsor_id: int) -> str:
    return f"sponsor.{sponsor_id}.applications"


def sponsor_reminders_group(sponsor_id: int) -> str:
    """The reminders of a sponsor's permits expiring soon (``core.reminders``)."""
    return f"sponsor.{sponsor_id}.reminders"


def holder_group(person_id: int) -> str:
    """A person's own residency: the events about their part of any application."""
    return f"person.{person_id}.residency"


def user_group(user_id: int) -> str:
    """Every websocket of a user (their session's or their tokens'): closed when their access
    to a sponsor is revoked or narrowed."""
    return f"user.{user_id}"


def token_group(token_id: int) -> str:
    """Every websocket opened with one API token: closed when it is revoked."""
    return f"token.{token_id}"


# Sent to a user's or a token's group: close those websockets (graphql-transport-ws 4403).
ACCESS_REVOKED = "access.revoked"

# Sent by the channel layer to each consumer when Redis answers again after an outage
# (realtime.layers): subscriptions join their groups again and replay what they missed.
LAYER_RECONNECTED = "layer.reconnected"
