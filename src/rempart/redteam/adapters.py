"""Targets: what a red-team run screens its cases against, behind one protocol.

    Target (Protocol)
    ├── InProcessTarget     the ``Guard`` of this process (the pipeline the API runs); sessions in memory
    ├── RempartHttpTarget   rempart's API: ``POST /v1/screen/request`` with an API key; a session is a session_id
    └── JsonHttpTarget      any JSON endpoint: a request template, a selector, and the values meaning "refused"

The contract of ``Target.screen(probe)``: return a ``Verdict`` (blocked, review or allowed), or
raise ``TargetError`` whose ``retryable`` says whether the same probe may succeed later (timeouts,
429, 5xx) or not (a 4xx, an answer the adapter cannot read). Adapters neither retry nor enforce
deadlines themselves: the runner does both, the same way for every target. ``open()`` is called once
before the first probe (the in-process target loads its models there), ``close()`` once at the end.

A multi-turn case sends its turns in order with the same ``Probe.session``; a target that keeps
state (rempart's lineage of edits) links them, a stateless JSON endpoint can be given the earlier
turns through the ``{{history}}`` or ``{{messages}}`` placeholders.

Errors (part of the ``rempart.errors`` tree)::

    RempartError
    └── TargetError    the target gave no usable answer; ``retryable``, ``retry_after`` (seconds, if told)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Literal, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

from rempart.client import ApiError, AsyncRempartClient
from rempart.errors import ConfigError, RempartError
from rempart.guard import Guard, RequestInput
from rempart.policy import Context
from rempart.policy.decision import Decision
from rempart.redteam.selector import Selector, json_equal

__all__ = [
    "RETRY_STATUSES",
    "InProcessTarget",
    "JsonHttpTarget",
    "JsonTargetConfig",
    "Outcome",
    "Probe",
    "RempartHttpTarget",
    "Target",
    "TargetError",
    "Verdict",
    "load_json_target_config",
]

#: HTTP statuses worth retrying: the request may succeed later.
RETRY_STATUSES: Final = frozenset({408, 425, 429, 500, 502, 503, 504})


class Outcome(StrEnum):
    BLOCKED = "blocked"
    REVIEW = "review"
    """Held for a human: not blocked outright (an attack held for review counts as not blocked)."""
    ALLOWED = "allowed"
    ERROR = "error"
    """No usable answer after the retries (only the runner produces it)."""


class TargetError(RempartError):
    code = "target_error"

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Probe:
    """One turn as a target sees it."""

    text: str
    photo_of_person: bool | None = None
    session: str | None = None
    """The session id of a multi-turn case (unique per run); ``None`` for a single-turn case."""
    turn: int = 0
    history: tuple[str, ...] = ()
    """The texts of the earlier turns of the same session."""


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    action: str
    """The target's own answer, e.g. ``block``, ``http 400`` or ``$.flagged=true``."""
    categories: tuple[str, ...] = ()
    detail: str | None = None


class Target(Protocol):
    """Where the cases go. See the module docstring for the contract."""

    @property
    def name(self) -> str: ...

    async def open(self) -> None: ...

    async def screen(self, probe: Probe) -> Verdict: ...

    async def close(self) -> None: ...

    def describe(self) -> dict[str, JsonValue]:
        """What was tested (kind, URL, policy, models), for the results header. Never a secret."""
        ...


_ACTIONS: Final[dict[str, Outcome]] = {"block": Outcome.BLOCKED, "review": Outcome.REVIEW, "allow": Outcome.ALLOWED}


def _requested_exposure(decision: Decision) -> int | None:
    prompt = decision.explanation.get("prompt")
    if isinstance(prompt, dict) and isinstance(prompt.get("exposure"), int):
        return int(prompt["exposure"])
    return None


# --- in process ----------------------------------------------------------------------------------


class InProcessTarget:
    """The guard of this process, run on a small thread pool (the API runs it the same way).

    Sessions reproduce the API's lineage of edits: each turn is screened with the highest exposure
    the earlier turns of the session requested (``lineage_exposure``).
    """

    name = "inprocess"

    def __init__(self, guard: Guard, *, workers: int = 2) -> None:
        self.guard = guard
        self.workers = max(1, workers)
        self._executor: ThreadPoolExecutor | None = None
        self._lineage: dict[str, int] = {}
        self._lock = threading.Lock()

    async def open(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="redteam-guard")
        await asyncio.get_running_loop().run_in_executor(self._executor, self.guard.load)

    async def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def screen(self, probe: Probe) -> Verdict:
        if self._executor is None:
            raise TargetError("the in-process target is not open", retryable=False)
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._screen, probe)

    def _screen(self, probe: Probe) -> Verdict:
        with self._lock:
            earlier = self._lineage.get(probe.session) if probe.session is not None else None
        try:
            result = self.guard.screen_request(
                RequestInput(probe.text, probe.photo_of_person), Context(), lineage_exposure=earlier
            )
        except RempartError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=False) from exc
        decision = result.decision
        requested = _requested_exposure(decision)
        if probe.session is not None and requested is not None:
            with self._lock:
                self._lineage[probe.session] = max(requested, self._lineage.get(probe.session, requested))
        return Verdict(
            _ACTIONS[decision.action.value],
            decision.action.value,
            tuple(c.value for c in decision.categories),
            ", ".join(r.rule for r in decision.rules) or None,
        )

    def describe(self) -> dict[str, JsonValue]:
        policy = self.guard.policy
        return {
            "kind": self.name,
            "policy": {"name": policy.name, "digest": policy.digest},
            "models": [m.to_dict() for m in self.guard.model_info()],
        }


# --- rempart's API -------------------------------------------------------------------------------


class RempartHttpTarget:
    """rempart's gateway over HTTP, through ``rempart.client.AsyncRempartClient`` (its retries off)."""

    name = "rempart-http"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        jurisdiction: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not api_key:
            raise ConfigError("the rempart-http target needs an API key")
        self.base_url = base_url
        self._api_key = api_key
        self._timeout = timeout
        self._jurisdiction = jurisdiction
        self._transport = transport
        self._client: AsyncRempartClient | None = None

    async def open(self) -> None:
        self._client = AsyncRempartClient(
            self.base_url, self._api_key, timeout=self._timeout, max_retries=0, transport=self._transport
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def screen(self, probe: Probe) -> Verdict:
        if self._client is None:
            raise TargetError("the rempart-http target is not open", retryable=False)
        try:
            decision = await self._client.screen_request(
                probe.text,
                photo_of_person=probe.photo_of_person,
                session_id=probe.session,
                jurisdiction=self._jurisdiction,
            )
        except ApiError as exc:
            raise TargetError(str(exc), retryable=exc.status in RETRY_STATUSES, retry_after=exc.retry_after) from exc
        except httpx.TimeoutException as exc:
            raise TargetError(f"timed out ({type(exc).__name__})", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        except (ValueError, KeyError) as exc:
            raise TargetError(f"unreadable answer: {exc}", retryable=False) from exc
        outcome = _ACTIONS.get(decision.action)
        if outcome is None:
            raise TargetError(f"unknown action {decision.action!r} in the answer", retryable=False)
        detail = decision.decision_id + (" (degraded)" if decision.degraded else "")
        return Verdict(outcome, decision.action, decision.categories, detail)

    def describe(self) -> dict[str, JsonValue]:
        return {"kind": self.name, "url": self.base_url, "jurisdiction": self._jurisdiction}


# --- any JSON API --------------------------------------------------------------------------------

_PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDERS: Final = ("prompt", "session", "turn", "photo_of_person", "history", "messages")
_ENV: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class VerdictRule(BaseModel):
    """Where the verdict is in the answer and which values mean it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="JSONPath-like selector, e.g. $.results[0].flagged")
    values: list[JsonValue] = Field(min_length=1, description="any of these at the path means the verdict")

    @field_validator("path")
    @classmethod
    def _parses(cls, value: str) -> str:
        try:
            Selector.parse(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
        return value


def _placeholders(value: JsonValue) -> set[str]:
    if isinstance(value, str):
        return set(_PLACEHOLDER.findall(value))
    if isinstance(value, list):
        return set().union(*(_placeholders(v) for v in value))
    if isinstance(value, dict):
        return set().union(*(_placeholders(v) for v in value.values()))
    return set()


class JsonTargetConfig(BaseModel):
    """A JSON endpoint described in a file (``extra="forbid"``: a misspelt key is an error).

    ``body`` is the request template: a string that is exactly ``"{{name}}"`` becomes the value with
    its JSON type (``{{turn}}`` a number, ``{{photo_of_person}}`` a boolean or null, ``{{history}}``
    a list of strings, ``{{messages}}`` a list of ``{"role": "user", "content": ...}``); inside a
    longer string the value is written as text. ``{{prompt}}`` must appear. ``${VAR}`` in the URL and
    header values is read from the environment when the file is loaded (keep keys out of files).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(pattern=r"^https?://")
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    body: JsonValue
    refused: VerdictRule
    review: VerdictRule | None = None
    missing: Literal["error", "allowed"] = "error"
    """What an answer without the refused path means."""
    refused_statuses: list[int] = Field(default_factory=list)
    """HTTP statuses that are themselves a refusal (some APIs answer a policy refusal with 400)."""
    retry_statuses: list[int] = Field(default_factory=lambda: sorted(RETRY_STATUSES))

    @field_validator("body")
    @classmethod
    def _template(cls, value: JsonValue) -> JsonValue:
        found = _placeholders(value)
        unknown = sorted(found - set(PLACEHOLDERS))
        if unknown:
            raise ValueError(f"unknown placeholder(s) {unknown}; known: {list(PLACEHOLDERS)}")
        if "prompt" not in found:
            raise ValueError("the body template must contain {{prompt}}")
        return value


def _expand_env(value: str, where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV.sub(replace, value)


def load_json_target_config(path: Path) -> JsonTargetConfig:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the target file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the target file must hold a JSON object")
    if isinstance(raw.get("url"), str):
        raw["url"] = _expand_env(raw["url"], str(path))
    if isinstance(raw.get("headers"), dict):
        raw["headers"] = {k: _expand_env(v, str(path)) if isinstance(v, str) else v for k, v in raw["headers"].items()}
    try:
        return JsonTargetConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: invalid target description: {problems}") from exc


def _as_text(value: JsonValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def render_body(template: JsonValue, probe: Probe) -> JsonValue:
    """The request body for ``probe`` (see ``JsonTargetConfig``)."""
    values: dict[str, JsonValue] = {
        "prompt": probe.text,
        "session": probe.session,
        "turn": probe.turn,
        "photo_of_person": probe.photo_of_person,
        "history": list(probe.history),
        "messages": [{"role": "user", "content": text} for text in (*probe.history, probe.text)],
    }

    def walk(node: JsonValue) -> JsonValue:
        if isinstance(node, str):
            whole = _PLACEHOLDER.fullmatch(node.strip())
            if whole is not None:
                return values[whole.group(1)]
            return _PLACEHOLDER.sub(lambda m: _as_text(values[m.group(1)]), node)
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    return walk(template)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _matching(rule: VerdictRule, document: JsonValue) -> tuple[list[JsonValue], JsonValue | None]:
    """Everything the rule's path reaches, and the first of those that is one of its values."""
    found = Selector.parse(rule.path).select(document)
    hit = next((v for v in found if any(json_equal(v, w) for w in rule.values)), None)
    return found, hit


class JsonHttpTarget:
    """Any JSON API, described by a ``JsonTargetConfig``."""

    name = "json-http"

    def __init__(
        self, config: JsonTargetConfig, *, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def open(self) -> None:
        self._client = httpx.AsyncClient(
            headers={"User-Agent": "rempart-redteam", **self.config.headers},
            timeout=self._timeout,
            transport=self._transport,
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def screen(self, probe: Probe) -> Verdict:
        if self._client is None:
            raise TargetError("the json-http target is not open", retryable=False)
        config = self.config
        try:
            response = await self._client.request(config.method, config.url, json=render_body(config.body, probe))
        except httpx.TimeoutException as exc:
            raise TargetError(f"timed out ({type(exc).__name__})", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        status = response.status_code
        if status in config.refused_statuses:
            return Verdict(Outcome.BLOCKED, f"http {status}", detail=response.text[:200] or None)
        if status in config.retry_statuses:
            raise TargetError(f"http {status}", retryable=True, retry_after=_retry_after(response))
        if status >= 400:
            raise TargetError(f"http {status}: {response.text[:200]}", retryable=False)
        try:
            document: Any = response.json()
        except ValueError as exc:
            raise TargetError(f"the answer is not JSON (http {status})", retryable=False) from exc
        found, hit = _matching(config.refused, document)
        if hit is not None:
            return Verdict(Outcome.BLOCKED, f"{config.refused.path}={_as_text(hit)}")
        if config.review is not None:
            _, review_hit = _matching(config.review, document)
            if review_hit is not None:
                return Verdict(Outcome.REVIEW, f"{config.review.path}={_as_text(review_hit)}")
        if not found and config.missing == "error":
            raise TargetError(f"{config.refused.path} matched nothing in the answer", retryable=False)
        seen = _as_text(found[0]) if found else "(missing)"
        return Verdict(Outcome.ALLOWED, f"{config.refused.path}={seen}")

    def describe(self) -> dict[str, JsonValue]:
        config = self.config
        return {
            "kind": self.name,
            "url": config.url.split("?", 1)[0],  # a query string may carry a key
            "method": config.method,
            "headers": [name for name in sorted(config.headers)],
            "refused": config.refused.model_dump(mode="json"),
            "review": config.review.model_dump(mode="json") if config.review is not None else None,
            "refused_statuses": [status for status in config.refused_statuses],
        }
