"""The GraphQL HTTP endpoint.

Served through Django (not strawberry's Channels HTTP consumer) so that sessions, locale and
the rest of the middleware apply. Authentication is a bearer API token when the request carries
one, else the session cookie. CSRF: a POST that carries the session cookie, or that a
cross-site form could send without a CORS preflight (form-encoded, multipart, text/plain),
must carry the CSRF token. A bearer-token client, or a JSON POST with no cookie, has no
ambient credentials to abuse.

The view is synchronous on purpose: resolvers then use the ORM directly, where the async view
hands every database-touching field to a thread and back (measured: GraphQL/raw-view ratio
0.48 async, 0.60 sync, bench/read_bench.py). Subscriptions stay async on the websocket.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from core.clock import one_residency_day
from core.services.accounts import api_token_authenticate
from schema.context import IqamaContext, language_from_header


def bearer_token(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def needs_csrf_check(request: HttpRequest) -> bool:
    return request.method == "POST" and (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.content_type in FORM_CONTENT_TYPES
    )


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    failure = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
    if failure is None:
        return None
    return _error_response(
        "CSRF check failed: send the csrftoken cookie's value as the X-CSRFToken header, "
        "or authenticate with an API token.",
        "CSRF_FAILED",
        403,
    )


def _error_response(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


@method_decorator(csrf_exempt, name="dispatch")
class IqamaGraphQLView(GraphQLView):
    # GraphQL multipart request spec (document uploads); the CSRF rules above still apply.
    multipart_uploads_enabled = True

    def __init__(self, **kwargs: Any) -> None:
        # strawberry's __init__ assigns its own default (False) over the class attribute.
        kwargs.setdefault("multipart_uploads_enabled", type(self).multipart_uploads_enabled)
        super().__init__(**kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        token = bearer_token(request.headers.get("Authorization"))
        if token is not None:
            user = api_token_authenticate(token)
            if user is None:
                return _error_response("Invalid or revoked API token.", "UNAUTHENTICATED", 401)
            request.user = user
            request._iqama_token_auth = True
        else:
            if needs_csrf_check(request) and (failure := _csrf_failure(request)) is not None:
                return failure
            request.user = get_user(request)
        with one_residency_day():
            return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> IqamaContext:
        return IqamaContext(
            request=request,
            response=response,
            user=getattr(request, "user", None) or AnonymousUser(),
            language=language_from_header(request.headers.get("Accept-Language")),
        )
