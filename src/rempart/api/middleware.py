"""The request middleware (pure ASGI, for speed): request ids, body-size limit, metrics, access log.

- Request id: the caller's ``X-Request-ID`` when it is a short token, else a new one; echoed in the
  response and set in the logging context.
- Body limit: a ``Content-Length`` over the limit is refused with 413 before anything is read; a
  body that streams past the limit raises ``PayloadTooLargeError`` (413) from ``receive``.
- One JSON access-log line and the HTTP metrics per request, labelled by route template.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rempart.api.errors import PayloadTooLargeError, error_body
from rempart.api.logs import reset_request_id, set_request_id
from rempart.api.metrics import Metrics

access_log = logging.getLogger("rempart.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return "req_" + secrets.token_hex(10)


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = dict(scope.get("headers") or ())
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else new_request_id()
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = set_request_id(request_id)
        status = 500
        id_header = (b"x-request-id", request_id.encode())

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        try:
            length = headers.get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await self._too_large(send_wrapper)
                return
            await self.app(scope, self._limited(receive), send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.http_requests.labels(template, method, str(status)).inc()
            self.metrics.http_latency.labels(template).observe(elapsed)
            if template not in ("/metrics", "/healthz", "/readyz"):
                access_log.info(
                    "request",
                    extra={
                        "method": method,
                        "path": template,
                        "status": status,
                        "duration_ms": round(elapsed * 1000.0, 3),
                        "tenant": state.get("tenant"),
                        "key_id": state.get("key_id"),
                        "decision_id": state.get("decision_id"),
                        "action": state.get("action"),
                    },
                )
            reset_request_id(token)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLargeError(f"the request body exceeds {limit:,} bytes")
            return message

        return wrapped

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(error_body("payload_too_large", f"the request body exceeds {self.max_body:,} bytes")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
