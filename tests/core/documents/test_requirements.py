"""Requirements as data, the selectors over the archive, and attach_documents against real
renewal applications (built through the renewal services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.applications.documents import attach_documents, documents_for_item
from core.applications.kinds import PersonChoice
from core.applications.services import application_create, application_submit
from core.applications.states import State
from core.articles import Article, Relation
from core.documents.kinds import KIND_RULES, DocumentKind
from core.documents.models import DocumentUse
from core.documents.requirements import (
    RULES,
    Purpose,
    Whose,
    missing_documents,
    needs_for,
)
from core.documents.services import document_upload
from tests import factories
from tests.support import documents as samples

pytestmark = pytest.mark.django_db

K = DocumentKind
TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def put(actor, owner, kind, issued_on=None, expires_on=None):
    content = samples.jpeg() if kind == K.PERSONAL_PHOTO else samples.pdf()
    return document_upload(
        actor=actor,
        owner_id=owner.pk,
        kind=kind,
        file=SimpleUploadedFile("f", content),
        issued_on=issued_on,
        expires_on=expires_on,
    )


def kinds(items) -> list[tuple[str, str]]:
    return [(m.kind, m.whose) for m in items]


def test_the_rules_are_data_over_known_kinds_articles_and_relations():
    assert set(KIND_RULES) == set(DocumentKind)
    for rule in RULES:
        assert rule.articles is None or rule.articles <= set(Article.values)
        assert rule.relations is None or rule.relations <= set(Relation.values)
        assert all(need.kind in KIND_RULES for need in rule.needs)
    assert [(n.kind, n.whose) for n in needs_for(Purpose.RENEWAL, 22, Relation.CHILD)] == [
        (K.PERSONAL_PHOTO, Whose.HOLDER),
        (K.PASSPORT_COPY, Whose.HOLDER),
        (K.BIRTH_CERTIFICATE, Whose.HOLDER),
        (K.SALARY_CERTIFICATE, Whose.SPONSOR),
        (K.CIVIL_ID, Whose.SPONSOR),
    ]
    assert [(n.kind, n.whose) for n in needs_for(Purpose.RENEWAL, 18, Relation.EMPLOYEE)] == [
        (K.PERSONAL_PHOTO, Whose.HOLDER),
        (K.PASSPORT_COPY, Whose.HOLDER),
        (K.WORK_PERMIT, Whose.HOLDER),
        (K.COMMERCIAL_LICENCE, Whose.COMPANY),  # the employer's own papers, once for all
        (K.AUTHORISED_SIGNATORY, Whose.COMPANY),
    ]
    # Visit permits are not built yet; what they will need is already written down.
    assert K.LEASE in [n.kind for n in needs_for(Purpose.VISIT_PERMIT, None, Relation.SPOUSE)]


def test_missing_then_expired(household):
    user, wife, head = household["user"], household["wife"], household["head"]
    missing = missing_documents(wife, Article.FAMILY_JOIN, Relation.SPOUSE, TODAY)
    assert kinds(missing) == [
        (K.PERSONAL_PHOTO, Whose.HOLDER),
        (K.PASSPORT_COPY, Whose.HOLDER),
        (K.MARRIAGE_CERTIFICATE, Whose.HOLDER),
        (K.SALARY_CERTIFICATE, Whose.SPONSOR),
        (K.CIVIL_ID, Whose.SPONSOR),
    ]
    assert {m.owner_id for m in missing if m.whose == Whose.SPONSOR} == {head.pk}
    assert all(m.reason == "missing" for m in missing)

    put(user, wife, K.PERSONAL_PHOTO)
    put(user, wife, K.PASSPORT_COPY, expires_on=days(10))
    put(user, wife, K.MARRIAGE_CERTIFICATE)
    put(user, head, K.SALARY_CERTIFICATE, issued_on=days(-80))
    put(user, head, K.CIVIL_ID, expires_on=days(400))
    assert missing_documents(wife, Article.FAMILY_JOIN, Relation.SPOUSE, TODAY) == []

    later = missing_documents(wife, Article.FAMILY_JOIN, Relation.SPOUSE, days(20))
    assert [(m.kind, m.reason, m.expired_on) for m in later] == [
        (K.PASSPORT_COPY, "expired", days(10)),
        (K.SALARY_CERTIFICATE, "expired", days(10)),  # 90 days from issue
    ]
    # A newer passport fills the gap; the expired one stays in the archive.
    put(user, wife, K.PASSPORT_COPY, expires_on=days(1500))
    assert kinds(missing_documents(wife, Article.FAMILY_JOIN, Relation.SPOUSE, days(20))) == [
        (K.SALARY_CERTIFICATE, Whose.SPONSOR)
    ]


def test_a_company_worker_needs_no_sponsor_documents(db):
    company, _ = factories.company()
    worker = factories.dependent(company, Relation.EMPLOYEE)
    assert kinds(missing_documents(worker, Article.PRIVATE_SECTOR, Relation.EMPLOYEE)) == [
        (K.PERSONAL_PHOTO, Whose.HOLDER),
        (K.PASSPORT_COPY, Whose.HOLDER),
        (K.WORK_PERMIT, Whose.HOLDER),
    ]


def test_attach_documents_records_what_each_item_uses_and_reports_gaps(household):
    h = household
    user, wife, child, maid, head = h["user"], h["wife"], h["child"], h["maid"], h["head"]
    wife_docs = [
        put(user, wife, K.PERSONAL_PHOTO),
        put(user, wife, K.PASSPORT_COPY, expires_on=days(1500)),
        put(user, wife, K.MARRIAGE_CERTIFICATE),
    ]
    sponsor_docs = [
        put(user, head, K.SALARY_CERTIFICATE, issued_on=days(-5)),
        put(user, head, K.CIVIL_ID, expires_on=days(900)),
    ]
    put(user, maid, K.PERSONAL_PHOTO)

    application = application_create(
        kind="renewal",
        actor=user,
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(p.pk, 12) for p in (wife, child, maid)],
    )
    items = {item.person_id: item for item in application.items.all()}
    result = attach_documents(application)

    assert {d.pk for d in result.attached[items[wife.pk].pk]} == {
        d.pk for d in wife_docs + sponsor_docs
    }
    assert items[wife.pk].pk not in result.missing
    assert kinds(result.missing[items[child.pk].pk]) == [
        (K.PERSONAL_PHOTO, Whose.HOLDER),
        (K.PASSPORT_COPY, Whose.HOLDER),
        (K.BIRTH_CERTIFICATE, Whose.HOLDER),
    ]
    assert kinds(result.missing[items[maid.pk].pk]) == [(K.PASSPORT_COPY, Whose.HOLDER)]
    assert not result.complete
    uses = DocumentUse.objects.filter(item=items[wife.pk])
    assert sorted(uses.values_list("whose", flat=True)) == ["holder"] * 3 + ["sponsor"] * 2
    assert {d.pk for d in documents_for_item(items[wife.pk])} == {u.document_id for u in uses}

    # The lead calls it from application_submit; called again after new uploads it catches up.
    put(user, maid, K.PASSPORT_COPY, expires_on=days(1500))
    submitted = application_submit(actor=user, application_id=application.pk)
    again = attach_documents(submitted)
    assert items[maid.pk].pk not in again.missing
    assert DocumentUse.objects.filter(item=items[maid.pk]).count() == 3  # photo, passport, civil ID
    assert DocumentUse.objects.filter(item=items[wife.pk]).count() == 5  # unchanged, no duplicates


def test_attach_skips_people_no_longer_in_the_application(household):
    h = household
    application = application_create(
        kind="renewal",
        actor=h["user"],
        sponsor_id=h["sponsor"].pk,
        people=[PersonChoice(h["wife"].pk, 12), PersonChoice(h["child"].pk, 12)],
    )
    application.items.filter(person=h["child"]).update(state=State.REJECTED)
    result = attach_documents(application)
    [wife_item] = application.items.filter(person=h["wife"])
    assert set(result.attached) == {wife_item.pk} and set(result.missing) == {wife_item.pk}
