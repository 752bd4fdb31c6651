"""Reading bulk renewals: the jobs of the sponsors whose workers you may see."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from schema.bulk.types import BulkRenewal


@strawberry.type
class BulkQuery:
    bulk_renewals: DjangoListConnection[BulkRenewal] = strawberry_django.connection(
        description="Bulk renewals of the sponsors whose workers you may see, newest first."
    )
