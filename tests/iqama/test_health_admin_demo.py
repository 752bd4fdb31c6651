import pytest
from channels.layers import channel_layers
from django.core.management import call_command
from django.test import Client

from core.models import Person, ResidencyPermit, Sponsor
from core.sponsors.registration import company_register
from tests import factories


def test_healthz_is_liveness_and_asks_no_dependency():
    response = Client().get("/healthz")  # no django_db: a query would fail the test
    assert (response.status_code, response.json()) == (200, {"ok": True})


@pytest.mark.django_db
def test_readyz_reports_database_and_channel_layer(settings):
    body = Client().get("/readyz").json()
    assert body["ok"] is True and body["degraded"] is False
    assert body["database"]["ok"] and body["channel_layer"]["ok"]
    expected = "ResilientRedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert body["channel_layer"]["backend"] == expected


@pytest.mark.django_db
def test_readyz_without_redis_is_degraded_not_unready(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": "redis://127.0.0.1:1/0", "socket_connect_timeout": 1}]
            },
        }
    }
    channel_layers.backends.clear()
    try:
        response = Client().get("/readyz")
    finally:
        channel_layers.backends.clear()
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True and body["degraded"] is True
    assert body["database"]["ok"] is True and body["channel_layer"]["ok"] is False


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_realistic():
    call_command("seed_demo")
    counts = (Person.objects.count(), Sponsor.objects.count(), ResidencyPermit.objects.count())
    call_command("seed_demo")
    assert counts == (
        Person.objects.count(),
        Sponsor.objects.count(),
        ResidencyPermit.objects.count(),
    )
    company = Sponsor.objects.get(name_en="Gulf Tech Trading Co.")
    assert company.dependents.count() == 201  # 200 workers and Rajesh
    expiring = [p for p in company.permits.all() if p.status == "expiring"]
    assert 10 < len(expiring) < 100
    rajesh = Sponsor.objects.get(person__name_en="Rajesh Kumar")
    relations = sorted(rajesh.dependents.values_list("relation", flat=True))
    assert relations == ["child", "child", "domestic_worker", "spouse"]
    assert Sponsor.objects.filter(kind="government").exists()
    embassy = Sponsor.objects.get(kind="mission")
    assert embassy.permits.filter(article=17).count() == 2


@pytest.mark.django_db
def test_the_demos_staff_hold_what_the_readme_says():
    call_command("seed_demo", verbosity=0)
    company = Sponsor.objects.get(name_en="Gulf Tech Trading Co.")
    by_name = {row.user.username: row for row in company.staff.select_related("user")}
    assert by_name["hr.gulftech"].role == "owner"
    assert sorted(by_name["hr.clerk"].scopes) == ["renew", "view_workers"]
    assert company.documents.count() == 2  # its licence and signatory, for every renewal
    hr_moh = Sponsor.objects.get(name_en="Ministry of Health").staff.get()
    assert (hr_moh.user.username, hr_moh.role) == ("hr.moh", "owner")
    # Noura signs for the establishment the README registers (MPA-3, CR 338982).
    noura = Person.objects.get(user__username="noura")
    registered = company_register(
        actor=noura.user, commercial_registration="338982", manpower_file_number="MPA-3"
    )
    assert registered.name_en == "Sharq Catering Co."


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["راجيش", "Rajesh"])
def test_back_office_admin_searches_arabic_and_latin_names(term):
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    response = client.get("/admin/core/person/", {"q": term})
    assert response.status_code == 200
    assert "Rajesh Kumar" in response.content.decode()


@pytest.mark.django_db
def test_admin_pages_render(family):
    client = Client()
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    for url in [
        "/admin/core/sponsor/",
        "/admin/core/residencypermit/",
        f"/admin/core/sponsor/{family['sponsor'].pk}/change/",
        f"/admin/core/residencypermit/{family['permits'][0].pk}/change/",
        "/admin/core/apitoken/",
        "/admin/core/auditentry/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.fixture(autouse=True)
def demo_documents_elsewhere(settings, tmp_path):
    """seed_demo archives the family's documents: into a directory of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


@pytest.mark.django_db
def test_demo_people_have_the_agency_records_the_demo_shows(settings):
    settings.RENEWAL_RULES = {**settings.RENEWAL_RULES, "REQUIRE_DOCUMENTS": True}
    from core.agencies.simulator import profile_for
    from core.applications.checks import check_run
    from core.applications.models import AgencyCheck
    from core.applications.services import PersonChoice, application_create, application_submit

    call_command("seed_demo", verbosity=0)
    rajesh = Sponsor.objects.get(person__name_en="Rajesh Kumar")
    family = {d.person.name_en: d.person for d in rajesh.dependents.select_related("person")}
    assert profile_for(family["Priya Kumar"].civil_id).has_traffic_fines
    assert profile_for(family["Child1 Kumar"].civil_id).uninsured
    workers = Person.objects.filter(sponsorships__sponsor__name_en="Gulf Tech Trading Co.")
    assert any(profile_for(w.civil_id).has_travel_ban for w in workers)

    # The whole family renews online, reusing the archived documents, and ends awaiting
    # payment of fines and cover.
    app = application_create(
        kind="renewal",
        actor=rajesh.person.user,
        sponsor_id=rajesh.pk,
        people=[PersonChoice(p.pk, 12) for p in family.values()],
    )
    application_submit(actor=rajesh.person.user, application_id=app.pk)
    for check in AgencyCheck.objects.filter(item__application=app):
        check_run(check_id=check.pk)
    app.refresh_from_db()
    assert app.state == "awaiting_payment"
    fines = profile_for(family["Priya Kumar"].civil_id).fines_total
    assert app.amount_due >= fines + 100
    assert all(item.document_uses.exists() for item in app.items.all())
