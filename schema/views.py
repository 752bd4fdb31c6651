"""The GraphQL HTTP endpoint.

Served through Django (not strawberry's Channels HTTP consumer) so that sessions, locale and
the rest of the middleware apply. Authentication is a bearer API token when the request carries
one, else the session cookie. CSRF: a POST that carries the session cookie, or that a
cross-site form could send without a CORS preflight (form-encoded, multipart, text/plain),
must carry the CSRF token. A bearer-token client, or a JSON POST with no cookie, has no
ambient credentials to abuse.

Whatever arrives, the answer is GraphQL-shaped JSON (``{"errors": [{"message", "extensions":
{"code"}}]}``) with a 4xx status for a request that cannot be run: a body that is not a UTF-8
JSON object, variables nested beyond ``MAX_VARIABLES_DEPTH``, a multipart map that points
nowhere, too large a body or too many fields or files, a GET too long for a URL. The
GraphQL-over-HTTP media type ``application/graphql-response+json`` is answered when the client
accepts it, and then a request that fails before execution (parse, validation, variables) is a
400 without ``data``; with ``application/json`` it stays 200, as legacy clients expect.

The view is synchronous on purpose: resolvers then use the ORM directly, where the async view
hands every database-touching field to a thread and back (measured: GraphQL/raw-view ratio
0.48 async, 0.60 sync, bench/read_bench.py). Subscriptions stay async on the websocket.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from cross_web import HTTPException
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView, TemporalHttpResponse
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from core.clock import one_residency_day
from core.request_id import current_request_id
from core.services.accounts import api_token_authenticate
from schema.context import IqamaContext, language_from_header

logger = logging.getLogger(__name__)

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
TRANSPORT_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def bearer_token(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def needs_csrf_check(request: HttpRequest) -> bool:
    return request.method == "POST" and (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.content_type in FORM_CONTENT_TYPES
    )


def response_media_type(accept: str) -> str:
    """``application/graphql-response+json`` when the client accepts it at least as much as
    ``application/json``; else ``application/json`` (also for no or an unknown Accept)."""
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        weights[media.lower()] = max(q, weights.get(media.lower(), 0.0))
    graphql = weights.get(GRAPHQL_RESPONSE, 0.0)
    plain = max(weights.get(JSON, 0.0), weights.get("application/*", 0.0), weights.get("*/*", 0.0))
    return GRAPHQL_RESPONSE if graphql > 0 and graphql >= plain else JSON


def error_response(
    request: HttpRequest, message: str, status: int, code: str | None = None
) -> HttpResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code or _code(status)}}]}
    media = response_media_type(request.headers.get("Accept", ""))
    return HttpResponse(json.dumps(body), status=status, content_type=f"{media}; charset=utf-8")


def _code(status: int) -> str:
    return TRANSPORT_CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL_SERVER_ERROR")


def _depth(value: Any, limit: int) -> bool:
    """Whether JSON ``value`` nests at most ``limit`` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return True


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    failure = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
    if failure is None:
        return None
    return error_response(
        request,
        "CSRF check failed: send the csrftoken cookie's value as the X-CSRFToken header, "
        "or authenticate with an API token.",
        403,
        "CSRF_FAILED",
    )


class IqamaSubResponse(TemporalHttpResponse):
    """The response strawberry fills in, knowing the media type the client asked for."""

    media_type: str = JSON
    request_error: bool = False


@method_decorator(csrf_exempt, name="dispatch")
class IqamaGraphQLView(GraphQLView):
    # GraphQL multipart request spec (document uploads); the CSRF rules above still apply.
    multipart_uploads_enabled = True

    def __init__(self, **kwargs: Any) -> None:
        # strawberry's __init__ assigns its own default (False) over the class attribute.
        kwargs.setdefault("multipart_uploads_enabled", type(self).multipart_uploads_enabled)
        # One view per request: the GraphiQL page follows the setting as it is now.
        kwargs["graphql_ide"] = "graphiql" if settings.GRAPHIQL else None
        super().__init__(**kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._dispatch(request)
        except HTTPException as exc:
            return error_response(request, exc.reason, exc.status_code)
        except RequestDataTooBig:
            return error_response(request, "The request body is too large.", 413)
        except (SuspiciousOperation, MultiPartParserError, UnreadablePostError) as exc:
            return error_response(request, f"The request cannot be read: {exc}", 400)
        except Exception:  # never a traceback page: logged with the request id
            logger.exception("GraphQL request failed")
            return error_response(
                request, f"Unexpected error (reference {current_request_id()}).", 500
            )

    def _dispatch(self, request: HttpRequest) -> Any:
        limit = settings.GRAPHQL_LIMITS["MAX_GET_QUERY_BYTES"]
        if request.method == "GET" and len(request.META.get("QUERY_STRING", "")) > limit:
            raise HTTPException(414, f"A GET carries at most {limit} bytes of query: use POST.")
        token = bearer_token(request.headers.get("Authorization"))
        if token is not None:
            user = api_token_authenticate(token)
            if user is None:
                raise HTTPException(401, "Invalid or revoked API token.")
            request.user = user
            request._iqama_token_auth = True
        else:
            if needs_csrf_check(request) and (failure := _csrf_failure(request)) is not None:
                return failure
            request.user = get_user(request)
        with one_residency_day():
            return self.run(request=request)

    # -- reading the request: strict, every failure a 400 ------------------------------------

    def decode_json(self, data: str | bytes) -> object:
        """The body, ``variables`` of a GET, and the multipart ``operations`` and ``map``: each
        a JSON object in UTF-8."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            value = json.loads(text)
        except UnicodeDecodeError as exc:
            raise HTTPException(400, "The request body is not UTF-8.") from exc
        except RecursionError as exc:
            raise HTTPException(400, "The JSON is nested too deeply.") from exc
        except ValueError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(value, dict):
            raise HTTPException(400, "The GraphQL request must be a JSON object.")
        return value

    def parse_multipart(self, request: Any) -> dict[str, str]:
        files_map = self.parse_json(request.post_data.get("map", "{}"))
        for key, paths in files_map.items():
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise HTTPException(400, f"The multipart map's {key!r} is not a list of paths.")
        try:
            return super().parse_multipart(request)
        except HTTPException:
            raise
        except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
            raise HTTPException(400, "The multipart map points at no variable.") from exc

    def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        try:
            data = super().parse_http_body(request)
        except UnicodeDecodeError as exc:  # the adapter decodes the body before we see it
            raise HTTPException(400, "The request body is not UTF-8.") from exc
        for item in data if isinstance(data, list) else [data]:
            if not item.query:
                raise HTTPException(400, "No GraphQL query found in the request.")
            if not isinstance(item.operation_name, str | None):
                raise HTTPException(400, "operationName must be a string or null.")
            depth = settings.GRAPHQL_LIMITS["MAX_VARIABLES_DEPTH"]
            if item.variables and not _depth(item.variables, depth):
                raise HTTPException(400, f"Variables nest at most {depth} levels.")
        return data

    # -- answering ---------------------------------------------------------------------------

    def get_sub_response(self, request: HttpRequest) -> IqamaSubResponse:
        sub_response = IqamaSubResponse()
        sub_response.media_type = response_media_type(request.headers.get("Accept", ""))
        return sub_response

    def process_result(self, request: HttpRequest, result: ExecutionResult) -> GraphQLHTTPResponse:
        data = super().process_result(request, result)
        request_error = (
            result.data is None
            and bool(result.errors)
            and all(error.path is None for error in result.errors)
        )
        accept = response_media_type(request.headers.get("Accept", ""))
        if request_error and accept == GRAPHQL_RESPONSE:
            data.pop("data", None)  # the request was never executed: there is no data (a 400)
        return data

    def create_response(self, response_data: Any, sub_response: Any) -> HttpResponse:
        response = super().create_response(response_data, sub_response)
        media = getattr(sub_response, "media_type", JSON)
        response["Content-Type"] = f"{media}; charset=utf-8"
        if (
            media == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and "data" not in response_data
            and not sub_response.status_code
        ):
            response.status_code = 400
        return response

    def get_context(self, request: HttpRequest, response: HttpResponse) -> IqamaContext:
        return IqamaContext(
            request=request,
            response=response,
            user=getattr(request, "user", None) or AnonymousUser(),
            language=language_from_header(request.headers.get("Accept-Language")),
            request_id=current_request_id(),
        )
