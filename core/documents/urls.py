from django.urls import path

from core.documents.views import download

urlpatterns = [path("<str:token>", download, name="document-download")]
