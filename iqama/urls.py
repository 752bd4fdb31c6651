from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from iqama.health import healthz, readyz
from iqama.metrics import metrics
from payments.receipt_data import load_by_code, load_by_key
from payments.receipts.views import receipt_urls
from payments.visit_permits import visit_permit_urls
from schema.schema import schema
from schema.views import IqamaGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", IqamaGraphQLView.as_view(schema=schema)),
    path("healthz", healthz),  # liveness
    path("readyz", readyz),  # readiness, per dependency
    path("metrics", metrics),  # Prometheus, with METRICS_TOKEN only
    path("documents/", include("core.documents.urls")),  # signed download links only
    path("payments/", include("payments.urls")),  # KNET's callback, error and result pages
    # Receipts: signed download links, and the public page the receipt's QR code opens.
    path("receipts/", include(receipt_urls(load_by_key=load_by_key, load_by_code=load_by_code))),
    # Visit permits: signed download links, and the public page the permit's QR code opens.
    path("visit-permits/", include(visit_permit_urls())),
]

if settings.SERVE_AGENCY_SIMULATOR:
    # The agencies' simulator over HTTP, for the demo and for testing the HTTP adapters.
    # Unauthenticated by design, so mounted only when asked for (SERVE_AGENCY_SIMULATOR=1).
    urlpatterns.append(path("sim/agencies/", include("core.agencies.sim_urls")))

if settings.SERVE_KNET_SANDBOX:
    # The local KNET (hosted page and tranPipe) for the demo and the tests; mounted only when
    # asked for (SERVE_KNET_SANDBOX=1).
    urlpatterns.append(path("sandbox/knet/", include("payments.gateways.knet_sandbox.urls")))
