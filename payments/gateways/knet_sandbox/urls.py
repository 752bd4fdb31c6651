"""The sandbox's routes, KNET's paths under ``kpg/`` (mounted at ``sandbox/knet/``)."""

from __future__ import annotations

from django.urls import path

from payments.gateways.knet import protocol
from payments.gateways.knet_sandbox import views

app_name = "knet_sandbox"

urlpatterns = [
    path(f"kpg/{protocol.PAYMENT_PAGE}", views.payment_page, name="payment-page"),
    path("kpg/pay/<str:payment_id>", views.pay, name="pay"),
    path(f"kpg/{protocol.TRAN_PIPE}", views.tran_pipe, name="tran-pipe"),
]
