"""Our side of the KNET protocol (mounted at ``payments/``)."""

from __future__ import annotations

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("knet/response", views.response, name="knet-response"),
    path("knet/error", views.error, name="knet-error"),
    path("knet/result/<str:track_id>", views.result, name="knet-result"),
]
