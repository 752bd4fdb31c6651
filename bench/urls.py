"""The service's URLs plus the hand-written JSON view the GraphQL read path is compared with."""

from django.urls import path

from bench.raw_views import sponsor_dependents
from iqama.urls import urlpatterns as service_urlpatterns

urlpatterns = [
    *service_urlpatterns,
    path("bench/raw/sponsor/<int:pk>/", sponsor_dependents),
]
