"""Channel-layer group names and message types, shared by publishers and subscribers."""

PERMIT_CHANGED = "permit.changed"


def permit_group(permit_id: int) -> str:
    return f"permit.{permit_id}"
