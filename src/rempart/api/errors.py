"""HTTP edge of the error hierarchy: the gateway's own capacity errors and the status-code mapping.

Domain code raises ``rempart.errors`` exceptions; this module is the one place they become HTTP
responses with a stable JSON body::

    {"error": {"code": "invalid_text", "message": "the instruction is empty", "request_id": "req_..."}}

Added here (edge-only conditions, still ``RempartError`` subclasses)::

    RempartError
    ├── InputError
    │   ├── PayloadTooLargeError      the request body exceeds the limit; HTTP 413
    │   ├── UnsupportedMediaTypeError neither JSON nor multipart; HTTP 415
    │   └── BodyValidationError       the body does not match its schema; HTTP 422
    └── CapacityError                 try again later; carries ``retry_after`` seconds
        ├── RateLimitedError          this key is over its rate limit; HTTP 429
        └── OverloadedError           no inference capacity before the deadline; HTTP 503
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from rempart.api.logs import current_request_id
from rempart.errors import (
    AuthError,
    ConfigError,
    ForbiddenError,
    ImageTooLargeError,
    InputError,
    InvalidImageError,
    InvalidTextError,
    ModelError,
    NotFoundError,
    RempartError,
    StorageError,
)

log = logging.getLogger("rempart.api")


class PayloadTooLargeError(InputError):
    code = "payload_too_large"


class UnsupportedMediaTypeError(InputError):
    code = "unsupported_media_type"


class BodyValidationError(InputError):
    code = "validation_error"

    def __init__(self, message: str, details: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


class CapacityError(RempartError):
    code = "capacity"

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimitedError(CapacityError):
    code = "rate_limited"


class OverloadedError(CapacityError):
    code = "overloaded"


STATUS: tuple[tuple[type[RempartError], int], ...] = (
    (RateLimitedError, 429),
    (OverloadedError, 503),
    (ForbiddenError, 403),
    (AuthError, 401),
    (NotFoundError, 404),
    (StorageError, 503),
    (ImageTooLargeError, 413),
    (PayloadTooLargeError, 413),
    (UnsupportedMediaTypeError, 415),
    (BodyValidationError, 422),
    (InvalidTextError, 422),
    (InvalidImageError, 422),
    (InputError, 400),
    (ModelError, 503),
    (ConfigError, 500),
    (RempartError, 500),
)
"""Most specific first: the first class an exception is an instance of gives its status."""


def status_for(exc: RempartError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500  # pragma: no cover - RempartError is the last row


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "request_id": current_request_id(), **extra}}


def error_response(exc: RempartError) -> JSONResponse:
    status = status_for(exc)
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(exc, CapacityError):
        headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="rempart"'
    if isinstance(exc, BodyValidationError) and exc.details:
        extra["details"] = exc.details
    if status >= 500:
        log.warning("request failed", extra={"error_code": exc.code, "error": str(exc)})
    return JSONResponse(error_body(exc.code, str(exc), **extra), status_code=status, headers=headers)


def validation_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in errors
    ]


def install_error_handlers(app: FastAPI) -> None:
    async def rempart_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RempartError)
        return error_response(exc)

    async def request_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = validation_details(exc.errors())
        return error_response(BodyValidationError("the request does not match its schema", details))

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=dict(exc.headers or {})
        )

    async def disconnected(_request: Request, _exc: Exception) -> Response:
        # The client went away before sending its whole body: nobody is left to answer.
        return Response(status_code=499)

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)

    app.add_exception_handler(RempartError, rempart_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ClientDisconnect, disconnected)
    app.add_exception_handler(Exception, unexpected)
