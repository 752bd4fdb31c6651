"""A URLconf mounting the receipt views on loaders over an in-memory dict, for the tests."""

from django.urls import include, path

from payments.receipts.views import receipt_urls
from tests.payments.receipts.samples import CODE, family_receipt

RECEIPTS = {"17": family_receipt()}
BY_CODE = {CODE: "17"}
LOOKED_UP: list[str] = []


def load_by_key(key: str):
    return RECEIPTS.get(key)


def load_by_code(code: str):
    LOOKED_UP.append(code)
    key = BY_CODE.get(code)
    return RECEIPTS.get(key) if key else None


urlpatterns = [
    path("receipts/", include(receipt_urls(load_by_key=load_by_key, load_by_code=load_by_code)))
]
