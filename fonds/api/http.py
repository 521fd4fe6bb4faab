"""The HTTP layer of the API: one error shape, GET only, CORS, declared parameters.

Every view of the API is wrapped by :func:`endpoint`, which

- answers ``GET`` and ``HEAD`` (and ``OPTIONS``, for CORS preflight); any other method
  gets a 405 in the error shape, with ``Allow``;
- parses the query string against the parameters the view declares (see
  :mod:`fonds.api.params`) and hands the view a :class:`~fonds.api.params.Query`,
  so a view cannot read a parameter it has not declared (and the OpenAPI test knows
  every parameter a view accepts);
- turns :class:`ApiError`, ``Http404`` and any unexpected exception (logged) into
  ``{"error": {"status": ..., "code": ..., "message": ...}}``;
- adds ``Access-Control-Allow-Origin: *``: the API is public and read-only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt

from .params import BadParameter, Param, Query

logger = logging.getLogger("fonds.api")
P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
JSON_DUMPS_PARAMS = {"ensure_ascii": False}

ERROR_CODES: dict[int, str] = {
    400: "invalid_parameter",
    404: "not_found",
    405: "method_not_allowed",
    500: "server_error",
}


class ApiError(Exception):
    """An answer in the error shape: raise it anywhere below a view."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or ERROR_CODES.get(status, "error")
        self.message = message


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def error_response(error: ApiError) -> JsonResponse:
    return cors(
        JsonResponse(
            error_body(error.status, error.code, error.message),
            status=error.status,
            json_dumps_params=JSON_DUMPS_PARAMS,
        )
    )


def json_response(data: dict[str, Any]) -> JsonResponse:
    return cors(JsonResponse(data, json_dumps_params=JSON_DUMPS_PARAMS))


def cors(response: R) -> R:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        response["Access-Control-Allow-Headers"] = requested
    response["Access-Control-Max-Age"] = "86400"
    return cors(response)


ApiView = Callable[Concatenate[HttpRequest, Query, P], HttpResponseBase]
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def endpoint(*params: Param) -> Callable[[ApiView[P]], View[P]]:
    """Make a function of ``(request, query, **path)`` an API view; ``params`` are the
    query parameters it accepts."""

    def decorate(view: ApiView[P]) -> View[P]:
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.method == "OPTIONS":
                return _preflight(request)
            if request.method not in ALLOWED_METHODS:
                response = error_response(
                    ApiError(405, f"{request.method} is not allowed here: the API is read-only.")
                )
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            try:
                if any("\x00" in str(value) for value in kwargs.values()):
                    raise Http404  # no identifier holds NUL; some databases refuse it
                query = Query.parse(request.GET, params)
                return cors(view(request, query, *args, **kwargs))
            except BadParameter as error:
                return error_response(ApiError(400, str(error), "invalid_parameter"))
            except ApiError as error:
                return error_response(error)
            except Http404:
                return error_response(ApiError(404, "No such record."))
            except Exception:
                logger.exception("API error on %s", request.get_full_path())
                return error_response(
                    ApiError(500, "Something went wrong on our side; it has been logged.")
                )

        functools.update_wrapper(wrapper, view)
        wrapper.api_params = params  # type: ignore[attr-defined]
        return csrf_exempt(no_append_slash(wrapper))

    return decorate


def view_params(view: Callable[..., Any]) -> tuple[Param, ...] | None:
    """The query parameters an API view declares; None for a view that is not one."""
    found: tuple[Param, ...] | None = getattr(view, "api_params", None)
    return found


@endpoint()
def not_found(request: HttpRequest, query: Query) -> HttpResponseBase:
    """Every path under /api/ that no endpoint answers."""
    raise ApiError(404, f"No API endpoint at {request.path}. The index is at /api/v1/.")
