"""Test URLconf: the project's URLs plus the KNET sandbox and the agency simulator (mounted in
the demo by DEBUG, which tests run without)."""

from __future__ import annotations

from django.urls import include, path

from iqama.urls import urlpatterns as project

urlpatterns = [
    *project,
    path("sandbox/knet/", include("payments.gateways.knet_sandbox.urls")),
    path("sim/agencies/", include("core.agencies.sim_urls")),
]
