from django.contrib import admin
from django.urls import path

from iqama.health import healthz
from schema.schema import schema
from schema.views import IqamaGraphQLView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", IqamaGraphQLView.as_view(schema=schema)),
    path("healthz", healthz),
]
