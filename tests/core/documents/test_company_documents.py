"""A company's own papers (its commercial licence, its authorised signatory) go into the same
archive as people's — validated, stored once, downloaded through signed links — uploaded once
and used by every Art. 18 application the company makes; seen by those who may view its
workers, uploaded by those who may renew, and nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.applications.documents import attach_documents
from core.applications.kinds import PersonChoice
from core.applications.kinds.renewal import KIND as RENEWAL
from core.applications.services import application_create
from core.articles import Article, Relation
from core.documents.models import Document, DocumentUse
from core.documents.requirements import Whose, missing_documents
from core.models import AuditEntry
from tests import factories
from tests.support import documents as samples
from tests.support.staff import delegate, token
from tests.support.uploads import gid, gql_post, multipart_upload, uploaded

pytestmark = pytest.mark.django_db
NEXT_YEAR = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
DOCUMENTS = """query($ownerId: ID) { documents(ownerId: $ownerId) {
  totalCount edges { node { kind sponsor { nameEn } owner { id } } } } }"""


def bearer(user, sponsor, scopes) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token(user, sponsor, scopes)[1]}"}


def upload_paper(client, sponsor, kind: str, auth: dict, **kw):
    return multipart_upload(
        client,
        owner=sponsor,
        kind=kind,
        content=samples.pdf(kind),
        expires_on=NEXT_YEAR,
        **auth,
        **kw,
    )


@pytest.fixture
def company():
    works = factories.employed_worker()
    second = factories.dependent(works["employer"], Relation.EMPLOYEE, name_en="Worker Two")
    factories.permit(second, works["employer"], Article.PRIVATE_SECTOR, days_left=40)
    return {**works, "second": second}


def test_papers_uploaded_once_serve_every_workers_renewal(company):
    employer, owner = company["employer"], company["staff"]
    auth = bearer(owner, employer, ["renew"])
    before = missing_documents(
        company["worker"], Article.PRIVATE_SECTOR, Relation.EMPLOYEE, sponsor=employer
    )
    assert {(m.kind, m.whose, m.sponsor_id) for m in before if m.whose == Whose.COMPANY} == {
        ("commercial_licence", Whose.COMPANY, employer.pk),
        ("authorised_signatory", Whose.COMPANY, employer.pk),
    }

    licence = uploaded(upload_paper(Client(), employer, "COMMERCIAL_LICENCE", auth))
    assert licence["errors"] == []
    assert licence["document"]["sponsor"] == {"nameEn": employer.name_en}
    assert licence["document"]["owner"] is None
    assert licence["document"]["downloadUrl"]
    uploaded(upload_paper(Client(), employer, "AUTHORISED_SIGNATORY", auth))
    again = uploaded(upload_paper(Client(), employer, "COMMERCIAL_LICENCE", auth))
    assert again["document"]["id"] == licence["document"]["id"]  # the same content: one document

    after = missing_documents(
        company["worker"], Article.PRIVATE_SECTOR, Relation.EMPLOYEE, sponsor=employer
    )
    assert not [m for m in after if m.whose == Whose.COMPANY]
    used = []
    for worker in (company["worker"], company["second"]):
        app = application_create(
            actor=owner,
            kind=RENEWAL.name,
            sponsor_id=employer.pk,
            people=[PersonChoice(worker.pk, 12)],
        )
        attach_documents(app)
        used.append(
            set(
                DocumentUse.objects.filter(item__application=app, whose="company").values_list(
                    "document_id", flat=True
                )
            )
        )
    assert used[0] == used[1] and len(used[0]) == 2
    assert Document.objects.filter(sponsor=employer).count() == 2
    assert AuditEntry.objects.filter(sponsor=employer, action="document_uploaded").count() == 3


def test_a_paper_goes_to_its_kind_of_holder(company):
    employer, owner = company["employer"], company["staff"]
    auth = bearer(owner, employer, ["renew"])
    person_kind = uploaded(
        multipart_upload(
            Client(),
            owner=employer,
            kind="WORK_PERMIT",
            content=samples.pdf(),
            expires_on=NEXT_YEAR,
            **auth,
        )
    )
    assert [(e["field"], e["code"]) for e in person_kind["errors"]] == [
        ("kind", "PERSON_DOCUMENT_KIND")
    ]
    company_kind = uploaded(
        multipart_upload(
            Client(),
            owner=company["worker"],
            kind="COMMERCIAL_LICENCE",
            content=samples.pdf(),
            expires_on=NEXT_YEAR,
            **auth,
        )
    )
    assert [e["code"] for e in company_kind["errors"]] == ["SPONSOR_DOCUMENT_KIND"]
    undated = uploaded(
        multipart_upload(
            Client(), owner=employer, kind="COMMERCIAL_LICENCE", content=samples.pdf(), **auth
        )
    )
    assert [e["code"] for e in undated["errors"]] == ["EXPIRY_DATE_REQUIRED"]
    assert not Document.objects.exists()


def test_who_sees_and_who_uploads_a_companys_papers(company):
    employer, owner = company["employer"], company["staff"]
    uploaded(
        upload_paper(Client(), employer, "COMMERCIAL_LICENCE", bearer(owner, employer, ["renew"]))
    )
    viewer = factories.user()
    delegate(employer, viewer, ["view_workers", "integrations"], by=owner)
    stranger_company, (stranger,) = factories.company("Stranger Co")
    family = factories.family()
    sponsor_id = {"ownerId": gid("Sponsor", employer.pk)}

    seen = gql_post(Client(), DOCUMENTS, sponsor_id, **bearer(viewer, employer, ["view_workers"]))
    assert seen["data"]["documents"]["totalCount"] == 1
    refused = uploaded(
        upload_paper(
            Client(), employer, "AUTHORISED_SIGNATORY", bearer(viewer, employer, ["view_workers"])
        )
    )
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("ownerId", "NOT_FOUND")]

    foreign = bearer(stranger, stranger_company, ["view_workers", "renew"])
    assert (
        gql_post(Client(), DOCUMENTS, sponsor_id, **foreign)["data"]["documents"]["totalCount"] == 0
    )
    assert (
        uploaded(upload_paper(Client(), employer, "AUTHORISED_SIGNATORY", foreign))["errors"][0][
            "code"
        ]
        == "NOT_FOUND"
    )
    worker = Client()
    worker.force_login(company["worker"].user)
    assert gql_post(worker, DOCUMENTS, sponsor_id)["data"]["documents"]["totalCount"] == 0
    household = bearer(
        family["user"], family["sponsor"], ["renew"]
    )  # an individual has no papers of a sponsor
    papers = uploaded(upload_paper(Client(), family["sponsor"], "COMMERCIAL_LICENCE", household))
    assert papers["errors"][0]["code"] == "NOT_FOUND"
    assert Document.objects.count() == 1
