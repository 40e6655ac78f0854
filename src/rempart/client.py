"""A Python client for the rempart gateway, sync (``RempartClient``) and async (``AsyncRempartClient``).

    with RempartClient("http://127.0.0.1:8080", api_key="rk_...") as client:
        decision = client.screen_request("make her dress red", image=Path("photo.jpg"), session_id="s1")
        if decision.allowed:
            output = generate(...)
            check = client.screen_output(output, decision_id=decision.decision_id)

Images go as multipart file parts (bytes or a path); text-only requests as JSON. A refused call
raises ``ApiError`` with the HTTP status, the gateway's stable error ``code``, its message and
request id. 429 and 503 answers are retried after their ``Retry-After`` (``max_retries`` times,
each wait capped by ``max_retry_wait``); a connection that could not be opened is retried too.
Nothing else is retried: a screening call creates a decision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from rempart.errors import RempartError

ImageArg = bytes | Path


class ApiError(RempartError):
    """The gateway refused a call: ``status``, ``error_code`` (e.g. ``rate_limited``), message."""

    code = "api_error"

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        *,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{status} {error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status in (429, 503)


@dataclass(frozen=True, slots=True)
class ScreenDecision:
    """A decision as the gateway returned it; ``raw`` holds the full JSON document."""

    decision_id: str
    stage: str
    action: str
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    degraded: bool
    lineage_id: str | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def allowed(self) -> bool:
        return self.action == "allow"

    @property
    def blocked(self) -> bool:
        return self.action == "block"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScreenDecision:
        lineage = data.get("lineage") or {}
        return cls(
            decision_id=str(data["decision_id"]),
            stage=str(data["stage"]),
            action=str(data["action"]),
            categories=tuple(data.get("categories") or ()),
            reasons=tuple(data.get("reasons") or ()),
            degraded=bool(data.get("degraded")),
            lineage_id=lineage.get("id") if isinstance(lineage, dict) else None,
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class _Call:
    method: str
    path: str
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"headers": self.headers}
        if self.json is not None:
            out["json"] = self.json
        if self.data is not None:
            out["data"] = self.data
        if self.files is not None:
            out["files"] = self.files
        return out


def _read(image: ImageArg) -> bytes:
    return image.read_bytes() if isinstance(image, Path) else image


def _fields(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _request_call(
    text: str,
    image: ImageArg | None,
    photo_of_person: bool | None,
    session_id: str | None,
    account_id: str | None,
    jurisdiction: str | None,
    request_id: str | None,
) -> _Call:
    headers = _fields(**{"X-Request-ID": request_id})
    common = _fields(session_id=session_id, account_id=account_id, jurisdiction=jurisdiction)
    if image is None:
        return _Call(
            "POST",
            "/v1/screen/request",
            json={"text": text, "photo_of_person": photo_of_person, **common},
            headers=headers,
        )
    data = {"text": text, **common}
    if photo_of_person is not None:
        data["photo_of_person"] = "true" if photo_of_person else "false"
    files = {"image": ("image", _read(image), "application/octet-stream")}
    return _Call("POST", "/v1/screen/request", data=data, files=files, headers=headers)


def _output_call(
    output_image: ImageArg,
    decision_id: str | None,
    source_image: ImageArg | None,
    session_id: str | None,
    account_id: str | None,
    jurisdiction: str | None,
    request_id: str | None,
) -> _Call:
    files = {"output_image": ("output", _read(output_image), "application/octet-stream")}
    if source_image is not None:
        files["source_image"] = ("source", _read(source_image), "application/octet-stream")
    data = _fields(decision_id=decision_id, session_id=session_id, account_id=account_id, jurisdiction=jurisdiction)
    return _Call("POST", "/v1/screen/output", data=data, files=files, headers=_fields(**{"X-Request-ID": request_id}))


def _error(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
        error = body.get("error", {}) if isinstance(body, dict) else {}
    except ValueError:
        error = {}
    retry = response.headers.get("retry-after")
    return ApiError(
        response.status_code,
        str(error.get("code") or "http_error"),
        str(error.get("message") or response.reason_phrase),
        request_id=error.get("request_id") or response.headers.get("x-request-id"),
        retry_after=float(retry) if retry and retry.replace(".", "", 1).isdigit() else None,
    )


def _parse(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise _error(response)
    return response.json()


class _Base:
    def __init__(self, api_key: str, max_retries: int, max_retry_wait: float) -> None:
        if not api_key:
            raise ValueError("an API key is required")
        self._headers = {"Authorization": f"Bearer {api_key}", "User-Agent": "rempart-client"}
        self._max_retries = max_retries
        self._max_wait = max_retry_wait

    def _wait(self, attempt: int, error: ApiError | None) -> float | None:
        """Seconds to wait before retrying, or None to give up."""
        if attempt >= self._max_retries:
            return None
        if error is not None and not error.retryable:
            return None
        base = error.retry_after if error is not None and error.retry_after is not None else 0.2 * 2**attempt
        return min(base, self._max_wait)


class RempartClient(_Base):
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 2,
        max_retry_wait: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(api_key, max_retries, max_retry_wait)
        self._http = httpx.Client(base_url=base_url, headers=self._headers, timeout=timeout, transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, call: _Call) -> Any:
        attempt = 0
        while True:
            try:
                return _parse(self._http.request(call.method, call.path, **call.kwargs()))
            except ApiError as exc:
                wait = self._wait(attempt, exc)
                if wait is None:
                    raise
            except httpx.ConnectError:
                wait = self._wait(attempt, None)
                if wait is None:
                    raise
            time.sleep(wait)
            attempt += 1

    def screen_request(
        self,
        text: str,
        *,
        image: ImageArg | None = None,
        photo_of_person: bool | None = None,
        session_id: str | None = None,
        account_id: str | None = None,
        jurisdiction: str | None = None,
        request_id: str | None = None,
    ) -> ScreenDecision:
        call = _request_call(text, image, photo_of_person, session_id, account_id, jurisdiction, request_id)
        return ScreenDecision.from_json(self._send(call))

    def screen_output(
        self,
        output_image: ImageArg,
        *,
        decision_id: str | None = None,
        source_image: ImageArg | None = None,
        session_id: str | None = None,
        account_id: str | None = None,
        jurisdiction: str | None = None,
        request_id: str | None = None,
    ) -> ScreenDecision:
        call = _output_call(output_image, decision_id, source_image, session_id, account_id, jurisdiction, request_id)
        return ScreenDecision.from_json(self._send(call))

    def get_decision(self, decision_id: str) -> ScreenDecision:
        return ScreenDecision.from_json(self._send(_Call("GET", f"/v1/decisions/{decision_id}")))

    def ready(self) -> bool:
        return self._http.get("/readyz").status_code == 200


class AsyncRempartClient(_Base):
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 2,
        max_retry_wait: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(api_key, max_retries, max_retry_wait)
        self._http = httpx.AsyncClient(base_url=base_url, headers=self._headers, timeout=timeout, transport=transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, call: _Call) -> Any:
        attempt = 0
        while True:
            try:
                return _parse(await self._http.request(call.method, call.path, **call.kwargs()))
            except ApiError as exc:
                wait = self._wait(attempt, exc)
                if wait is None:
                    raise
            except httpx.ConnectError:
                wait = self._wait(attempt, None)
                if wait is None:
                    raise
            await asyncio.sleep(wait)
            attempt += 1

    async def screen_request(
        self,
        text: str,
        *,
        image: ImageArg | None = None,
        photo_of_person: bool | None = None,
        session_id: str | None = None,
        account_id: str | None = None,
        jurisdiction: str | None = None,
        request_id: str | None = None,
    ) -> ScreenDecision:
        call = _request_call(text, image, photo_of_person, session_id, account_id, jurisdiction, request_id)
        return ScreenDecision.from_json(await self._send(call))

    async def screen_output(
        self,
        output_image: ImageArg,
        *,
        decision_id: str | None = None,
        source_image: ImageArg | None = None,
        session_id: str | None = None,
        account_id: str | None = None,
        jurisdiction: str | None = None,
        request_id: str | None = None,
    ) -> ScreenDecision:
        call = _output_call(output_image, decision_id, source_image, session_id, account_id, jurisdiction, request_id)
        return ScreenDecision.from_json(await self._send(call))

    async def get_decision(self, decision_id: str) -> ScreenDecision:
        return ScreenDecision.from_json(await self._send(_Call("GET", f"/v1/decisions/{decision_id}")))

    async def ready(self) -> bool:
        return (await self._http.get("/readyz")).status_code == 200
