"""A family whose permits are inside the renewal window, and whose head holds his own permit."""

from __future__ import annotations

import pytest

from core.articles import Article, Relation
from tests import factories


@pytest.fixture
def household(db) -> dict:
    head = factories.person(name_en="Ahmed Hassan", login=True)
    sponsor = factories.individual_sponsor(head, salary="1250.000")
    employer, _ = factories.company("Employer")
    factories.permit(head, employer, article=Article.PRIVATE_SECTOR, days_left=1200)
    wife = factories.dependent(sponsor, Relation.SPOUSE, name_en="Mona Hassan", sex="F")
    child = factories.dependent(sponsor, Relation.CHILD, name_en="Omar Hassan")
    maid = factories.dependent(sponsor, Relation.DOMESTIC_WORKER, name_en="Ana Reyes", sex="F")
    permits = {
        "wife": factories.permit(wife, sponsor, Article.FAMILY_JOIN, days_left=45),
        "child": factories.permit(child, sponsor, Article.FAMILY_JOIN, days_left=45),
        "maid": factories.permit(maid, sponsor, Article.DOMESTIC_WORKER, days_left=20),
    }
    return {
        "user": head.user,
        "head": head,
        "sponsor": sponsor,
        "wife": wife,
        "child": child,
        "maid": maid,
        "permits": permits,
    }
