"""The sandbox's endpoints: the hosted payment page and tranPipe.

- ``PaymentHTTP.htm?param=paymentInit&trandata=…&tranportalId=…&responseURL=…&errorURL=…``
  checks the terminal and the decrypted request, then shows a page where a tester approves,
  declines or cancels. The outcome is posted to the merchant's response URL (``paymentid``,
  ``trackid``, encrypted ``trandata``); the merchant's ``REDIRECT=<url>`` line sends the payer
  on. A request it cannot accept goes to the error URL with ``Error``/``ErrorText``.
- ``tranPipe.htm?param=tranInit`` answers inquiries (action 8: SUCCESS, FAILURE, SUSPECTED
  while the payer is still on the page) and refunds (action 2, never more than was captured).

Settings: ``KNET_SANDBOX`` — ``TERMINALS`` (id → password and resource key; by default the
merchant of ``settings.KNET``), ``SESSION_MINUTES`` (how long a payer may stay on the page),
``OUTAGE`` (everything answers 503), ``TRAN_PIPE_OUTAGE`` (only tranPipe does). Error codes
are the sandbox's own, in KNET's ``IPAY01000xx`` form.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments.gateways.knet import crypto, protocol
from payments.gateways.knet_sandbox.models import KnetSandboxTransaction as Txn

logger = logging.getLogger(__name__)

ERRORS = {
    "param": ("IPAY0100011", "Invalid param"),
    "terminal": ("IPAY0100012", "Invalid tranportal id"),
    "trandata": ("IPAY0100013", "Invalid trandata"),
    "credentials": ("IPAY0100014", "Invalid tranportal credentials"),
    "action": ("IPAY0100015", "Invalid action"),
    "currency": ("IPAY0100016", "Invalid currency code"),
    "amount": ("IPAY0100017", "Invalid amount"),
    "trackid": ("IPAY0100018", "Invalid track id"),
    "langid": ("IPAY0100019", "Invalid language"),
    "url": ("IPAY0100020", "Invalid response URL"),
    "duplicate": ("IPAY0100021", "Duplicate track id"),
    "amount_mismatch": ("IPAY0100022", "Amount does not match the transaction"),
    "refund": ("IPAY0100023", "Refund not allowed"),
    "merchant": ("IPAY0100030", "Merchant response page did not answer REDIRECT"),
    "expired": ("IPAY0100031", "Payment session expired"),
}
ACTIONS = {
    "approve": Txn.Status.CAPTURED,
    "decline": Txn.Status.NOT_CAPTURED,
    "cancel": Txn.Status.CANCELED,
    "timeout": Txn.Status.HOST_TIMEOUT,
}


@dataclass(frozen=True)
class Terminal:
    tranportal_id: str
    password: str = field(repr=False)
    resource_key: str = field(repr=False)


def sandbox_config() -> dict:
    return {
        "SESSION_MINUTES": 15,
        "OUTAGE": False,
        "TRAN_PIPE_OUTAGE": False,
        **getattr(settings, "KNET_SANDBOX", {}),
    }


def terminal(tranportal_id: str | None) -> Terminal | None:
    listed = sandbox_config().get("TERMINALS") or {}
    if not listed:
        knet = getattr(settings, "KNET", {})
        listed = {
            str(knet.get("TRANPORTAL_ID", "")): {
                "PASSWORD": knet.get("PASSWORD", ""),
                "RESOURCE_KEY": knet.get("RESOURCE_KEY", ""),
            }
        }
    entry = listed.get(str(tranportal_id or ""))
    if not tranportal_id or entry is None:
        return None
    return Terminal(str(tranportal_id), entry["PASSWORD"], entry["RESOURCE_KEY"])


def _digits(count: int) -> str:
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(count - 1)
    )


def _session_over(txn: Txn) -> bool:
    minutes = float(sandbox_config()["SESSION_MINUTES"])
    return (timezone.now() - txn.created_at).total_seconds() > minutes * 60


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _to_error_url(error_url: str, reason: str, *, track_id: str = "", payment_id: str = ""):
    code, text = ERRORS[reason]
    query = urlencode(
        {"Error": code, "ErrorText": text, "trackid": track_id, "paymentid": payment_id}
    )
    return HttpResponseRedirect(f"{error_url}{'&' if '?' in error_url else '?'}{query}")


def _error_page(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    code, text = ERRORS[reason]
    return render(request, "knet_sandbox/error.html", {"code": code, "text": text}, status=status)


def _outage(request: HttpRequest) -> HttpResponse | None:
    if sandbox_config()["OUTAGE"]:
        return HttpResponse("KNET sandbox: simulated outage", status=503, content_type="text/plain")
    return None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest) -> HttpResponse:
    if down := _outage(request):
        return down
    params = request.GET if request.method == "GET" else request.POST
    if params.get("param") != "paymentInit":
        return _error_page(request, "param")
    term = terminal(params.get("tranportalId"))
    error_url = params.get("errorURL", "")
    if term is None:
        return _error_page(request, "terminal")
    if not _valid_url(error_url):
        return _error_page(request, "url")
    try:
        fields = protocol.decode_pairs(
            crypto.decrypt(params.get("trandata", ""), term.resource_key)
        )
    except (crypto.InvalidTrandata, ValueError):
        return _to_error_url(error_url, "trandata")
    track_id = fields.get("trackid", "")
    problem = _purchase_problem(fields, term)
    if problem:
        return _to_error_url(error_url, problem, track_id=track_id)
    txn = Txn.objects.filter(tranportal_id=term.tranportal_id, track_id=track_id).first()
    if txn is not None and txn.status != Txn.Status.OPEN:
        return _to_error_url(error_url, "duplicate", track_id=track_id)
    if txn is None:
        txn = Txn.objects.create(
            payment_id=_digits(18),
            tranportal_id=term.tranportal_id,
            track_id=track_id,
            amount=protocol.parse_amount(fields["amt"]),
            currency_code=fields["currencycode"],
            language=fields["langid"],
            response_url=fields["responseURL"],
            error_url=fields.get("errorURL") or error_url,
            udf=[fields.get(f"udf{n}", "") for n in range(1, 6)],
        )
    return render(
        request,
        "knet_sandbox/pay.html",
        {"txn": txn, "arabic": txn.language == "AR", "actions": list(ACTIONS)},
    )


def _purchase_problem(fields: dict[str, str], term: Terminal) -> str | None:
    if fields.get("id") != term.tranportal_id or fields.get("password") != term.password:
        return "credentials"
    if fields.get("action") != protocol.ACTION_PURCHASE:
        return "action"
    if fields.get("currencycode") != protocol.CURRENCY_KWD:
        return "currency"
    try:
        amount = protocol.parse_amount(fields.get("amt"))
    except ValueError:
        amount = None
    if (
        amount is None
        or amount <= 0
        or "." not in fields["amt"]
        or len(fields["amt"].split(".")[1]) != 3
    ):
        return "amount"
    if not protocol.TRACK_ID.fullmatch(fields.get("trackid", "")):
        return "trackid"
    if fields.get("langid") not in protocol.LANGUAGES.values():
        return "langid"
    if not _valid_url(fields.get("responseURL", "")):
        return "url"
    return None


def result_pairs(txn: Txn) -> list[tuple[str, str]]:
    return [
        ("paymentid", txn.payment_id),
        ("result", txn.status),
        ("auth", txn.auth),
        ("ref", txn.ref),
        ("avr", "N"),
        ("postdate", txn.post_date),
        ("tranid", txn.tran_id),
        ("trackid", txn.track_id),
        ("amt", protocol.amount_text(txn.amount)),
        *((f"udf{n}", value) for n, value in enumerate(txn.udf, start=1)),
        ("authRespCode", "00" if txn.status == Txn.Status.CAPTURED else "05"),
    ]


@csrf_exempt
@require_POST
def pay(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The tester's choice. ``notify=0`` keeps the result from the merchant (a callback that
    never came, for reconciliation to find)."""
    if down := _outage(request):
        return down
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _error_page(request, "action")
    with transaction.atomic():
        txn = Txn.objects.select_for_update().filter(payment_id=payment_id).first()
        if txn is None:
            return _error_page(request, "param", status=404)
        if txn.status != Txn.Status.OPEN:
            return _error_page(request, "duplicate", status=409)
        if _session_over(txn):
            return _to_error_url(txn.error_url, "expired", track_id=txn.track_id)
        txn.status = ACTIONS[action]
        now = timezone.localtime()
        txn.post_date = f"{now:%m%d}"
        txn.ref = _digits(12)
        txn.tran_id = _digits(16)
        txn.auth = _digits(6) if txn.status == Txn.Status.CAPTURED else ""
        txn.finished_at = timezone.now()
        txn.save()
    if request.POST.get("notify", "1") == "0":
        return render(request, "knet_sandbox/not_notified.html", {"txn": txn})
    term = terminal(txn.tranportal_id)
    trandata = crypto.encrypt(protocol.encode_pairs(result_pairs(txn)), term.resource_key)
    try:
        answer = httpx.post(
            txn.response_url,
            data={"paymentid": txn.payment_id, "trackid": txn.track_id, "trandata": trandata},
            timeout=30,
        ).text.strip()
    except httpx.HTTPError as exc:
        logger.warning("KNET sandbox: merchant response page unreachable (%s)", type(exc).__name__)
        answer = ""
    Txn.objects.filter(pk=txn.pk).update(merchant_answer=answer[:2000])
    first_line = answer.splitlines()[0] if answer else ""
    if first_line.startswith("REDIRECT="):
        return HttpResponseRedirect(first_line[len("REDIRECT=") :].strip())
    return _to_error_url(
        txn.error_url, "merchant", track_id=txn.track_id, payment_id=txn.payment_id
    )


@csrf_exempt
@require_POST
def tran_pipe(request: HttpRequest) -> HttpResponse:
    if down := _outage(request):
        return down
    if sandbox_config()["TRAN_PIPE_OUTAGE"]:
        return HttpResponse("KNET sandbox: tranPipe down", status=503, content_type="text/plain")
    fields = protocol.parse_xml_fragments(request.body.decode("utf-8", "replace"))
    term = terminal(fields.get("id"))
    if request.GET.get("param") != "tranInit":
        return _pipe(protocol.error_fragments(*ERRORS["param"]))
    if term is None or fields.get("password") != term.password:
        return _pipe(protocol.error_fragments(*ERRORS["credentials"]))
    action = fields.get("action")
    if action == protocol.ACTION_INQUIRY:
        return _pipe(_inquiry(term, fields))
    if action == protocol.ACTION_REFUND:
        return _pipe(_refund(term, fields))
    return _pipe(protocol.error_fragments(*ERRORS["action"]))


def _pipe(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/xml")


def _answer(txn: Txn, result: str) -> str:
    pairs = dict(result_pairs(txn))
    pairs["result"] = result
    pairs["payid"] = pairs.pop("paymentid")
    return protocol.xml_fragments(pairs.items())


def _inquiry(term: Terminal, fields: dict[str, str]) -> str:
    transid = fields.get("transid", "")
    queryset = Txn.objects.filter(tranportal_id=term.tranportal_id)
    if fields.get("udf5") == protocol.INQUIRE_BY_TRACK_ID:
        txn = queryset.filter(track_id=transid).first()
    else:
        txn = (
            queryset.filter(tran_id=transid).first() or queryset.filter(payment_id=transid).first()
        )
    if txn is None:
        return protocol.xml_fragments(
            [("result", protocol.InquiryResult.FAILURE), ("trackid", fields.get("trackid", ""))]
        )
    try:
        asked = protocol.parse_amount(fields.get("amt"))
    except ValueError:
        asked = None
    if asked is not None and asked != txn.amount:
        return protocol.error_fragments(*ERRORS["amount_mismatch"])
    if txn.status == Txn.Status.CAPTURED:
        return _answer(txn, protocol.InquiryResult.SUCCESS)
    if txn.status == Txn.Status.OPEN and not _session_over(txn):
        return _answer(txn, protocol.InquiryResult.SUSPECTED)
    return _answer(txn, protocol.InquiryResult.FAILURE)


def _refund(term: Terminal, fields: dict[str, str]) -> str:
    try:
        amount = protocol.parse_amount(fields.get("amt"))
    except ValueError:
        amount = None
    with transaction.atomic():
        txn = (
            Txn.objects.select_for_update()
            .filter(tranportal_id=term.tranportal_id, tran_id=fields.get("transid", "x"))
            .first()
        )
        if (
            txn is None
            or txn.status != Txn.Status.CAPTURED
            or fields.get("trackid") != txn.track_id
            or amount is None
            or amount <= 0
            or txn.refunded + amount > txn.amount
        ):
            return protocol.error_fragments(*ERRORS["refund"])
        refund = {"tranid": _digits(16), "ref": _digits(12), "amt": protocol.amount_text(amount)}
        txn.refunds = [*txn.refunds, {**refund, "at": timezone.now().isoformat()}]
        txn.refunded = Decimal(txn.refunded) + amount
        txn.save(update_fields=["refunds", "refunded"])
    return protocol.xml_fragments(
        [
            ("result", protocol.Result.CAPTURED),
            ("auth", txn.auth),
            ("ref", refund["ref"]),
            ("avr", "N"),
            ("postdate", f"{timezone.localtime():%m%d}"),
            ("tranid", refund["tranid"]),
            ("payid", txn.payment_id),
            ("trackid", txn.track_id),
            ("amt", refund["amt"]),
        ]
    )
