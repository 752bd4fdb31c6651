import pytest
from django.core.management import call_command
from django.test import Client

from core.models import Person, ResidencyPermit, Sponsor
from tests import factories


@pytest.mark.django_db
def test_healthz_reports_database_and_channel_layer(settings):
    body = Client().get("/healthz").json()
    assert body["ok"] is True
    assert body["database"]["ok"] and body["channel_layer"]["ok"]
    expected = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert body["channel_layer"]["backend"] == expected


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_realistic():
    call_command("seed_demo")
    counts = (Person.objects.count(), Sponsor.objects.count(), ResidencyPermit.objects.count())
    call_command("seed_demo")
    assert counts == (
        Person.objects.count(), Sponsor.objects.count(), ResidencyPermit.objects.count()
    )
    company = Sponsor.objects.get(name_en="Gulf Tech Trading Co.")
    assert company.dependents.count() == 201  # 200 workers and Rajesh
    expiring = [p for p in company.permits.all() if p.status == "expiring"]
    assert 10 < len(expiring) < 100
    rajesh = Sponsor.objects.get(person__name_en="Rajesh Kumar")
    relations = sorted(rajesh.dependents.values_list("relation", flat=True))
    assert relations == ["child", "child", "domestic_worker", "spouse"]
    assert Sponsor.objects.filter(kind="government").exists()


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
    for url in ["/admin/core/sponsor/", "/admin/core/residencypermit/",
                f"/admin/core/sponsor/{family['sponsor'].pk}/change/",
                f"/admin/core/residencypermit/{family['permits'][0].pk}/change/"]:
        assert client.get(url).status_code == 200, url
