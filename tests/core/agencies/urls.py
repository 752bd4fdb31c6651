"""Test URLconf: the agency simulator as the lead mounts it, plus a scripted health agency
whose requests are counted, for retry, circuit-breaker and timeout tests."""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from core.agencies import sim_views


class ScriptedAgency:
    """Fails its first ``failures`` requests with ``status``, optionally after ``delay``
    seconds or with a body that is not JSON, then answers like the simulator."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(
        self, *, failures: int = 0, status: int = 503, delay: float = 0.0, garbage: bool = False
    ) -> None:
        self.requests = 0
        self.failures, self.status, self.delay, self.garbage = failures, status, delay, garbage

    def view(self, request: HttpRequest) -> HttpResponse:
        with self._lock:
            self.requests += 1
            failing = self.requests <= self.failures
        if self.delay:
            time.sleep(self.delay)
        if self.garbage:
            return HttpResponse("<html>maintenance</html>", content_type="text/html")
        if failing:
            return JsonResponse({"error": "scripted", "detail": "scripted"}, status=self.status)
        return sim_views.insurance(request)


scripted = ScriptedAgency()

urlpatterns = [
    path("sim/agencies/", include("core.agencies.sim_urls")),
    path("scripted/health/insurance", csrf_exempt(scripted.view)),
]
