"""Where the gateway (KNET) and the payer come back to us.

- ``response``: KNET's server-to-server post of the result (``paymentid``, ``trackid``,
  ``trandata``, or ``Error``/``ErrorText``); it answers one line, ``REDIRECT=<url>``, the
  page KNET then sends the payer to. Exempt from CSRF: it comes from KNET, not a browser
  session, and is authenticated by its encryption and confirmed by inquiry.
- ``error``: KNET's error redirect of the payer's browser.
- ``result``: the payer's landing page: the payment's status in both languages, nothing that
  identifies anyone (the track id in the URL is random).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from payments.gateway import TRACK_ID
from payments.models import Payment
from payments.settle import payment_callback, payment_error_redirect


def _fields(data) -> dict[str, str]:
    return {str(key): str(data.get(key, "")) for key in data}


@csrf_exempt
@require_POST
def response(request: HttpRequest) -> HttpResponse:
    target = payment_callback(
        _fields(request.POST), remote_addr=request.META.get("REMOTE_ADDR", "")
    )
    return HttpResponse(f"REDIRECT={target}", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def error(request: HttpRequest) -> HttpResponse:
    data = request.GET if request.method == "GET" else request.POST
    target = payment_error_redirect(_fields(data), remote_addr=request.META.get("REMOTE_ADDR", ""))
    return HttpResponseRedirect(target)


@require_GET
def result(request: HttpRequest, track_id: str) -> HttpResponse:
    payment = None
    if TRACK_ID.fullmatch(track_id):
        payment = (
            Payment.objects.select_related("application", "receipt")
            .filter(track_id=track_id)
            .first()
        )
    receipt = getattr(payment, "receipt", None) if payment else None
    return render(
        request,
        "payments/result.html",
        {"payment": payment, "receipt": receipt},
        status=200 if payment else 404,
    )
