"""The gateway's use cases, free of HTTP: screen a request, screen an output, read a decision.

For each check, one job on an inference pool (one for text-only checks, one for checks with images)
fingerprints the images (digest and dHash), finds
the lineage the step continues (same parent decision, same or near-identical image, same
session), and runs the guard with the lineage's highest earlier requested exposure. The decision
is then recorded with everything it triggers in one transaction (group-committed with the decisions of
concurrent requests by the ``BatchWriter``), and only then returned.

Failure handling, all fail-closed:
- the detectors miss the deadline, or crash: the pure policy decides on signals marked
  ``timeout`` / ``error`` (every image check failed), so the decision is degraded and blocks where
  minors or real people may be involved; it is recorded like any other;
- no capacity before the deadline: ``OverloadedError`` (503, nothing recorded);
- the caller's input is unusable: ``InputError`` (4xx, nothing recorded).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from rempart.api.capacity import DbRunner, DetectorTimeout, Pools
from rempart.api.errors import OverloadedError
from rempart.api.metrics import Metrics
from rempart.api.sources import MemorySourceCache, SourceCache
from rempart.api.summary import facts_from_dict, requested_exposure, summarise
from rempart.auth import Principal
from rempart.errors import ForbiddenError, InputError, StorageError
from rempart.guard import Guard, GuardResult, RequestInput
from rempart.policy import Context, Decision, ImageFacts, PromptSignal, Signals, decide
from rempart.settings import Settings
from rempart.signals import Status
from rempart.storage import (
    BatchWriter,
    DecisionRecord,
    DecisionStore,
    ImageFingerprint,
    LineageState,
    NewDecision,
    StoredImage,
    TextFingerprint,
    fingerprint_image,
    fingerprint_text,
    new_id,
    utcnow,
)
from rempart.text.screen import validate_prompt
from rempart.vocabulary import Action, HarmCategory, Severity

log = logging.getLogger("rempart.gateway")

ALL_IMAGE_CHECKS = frozenset({"decode", "faces", "age", "exposure", "identity"})


@dataclass(frozen=True, slots=True)
class RequestCheck:
    text: str
    image: bytes | None = None
    photo_of_person: bool | None = None
    session_id: str | None = None
    account_id: str | None = None
    jurisdiction: str | None = None
    tenant: str | None = None
    request_id: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutputCheck:
    output_image: bytes
    decision_id: str | None = None
    source_image: bytes | None = None
    session_id: str | None = None
    account_id: str | None = None
    jurisdiction: str | None = None
    tenant: str | None = None
    request_id: str | None = None
    received_at: datetime | None = None


class _Progress:
    """What a job established before it was abandoned at its deadline (written by the worker)."""

    def __init__(self) -> None:
        self.images: tuple[StoredImage, ...] = ()
        self.lineage: LineageState | None = None
        self.source_facts: ImageFacts | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    decision: Decision
    source: ImageFacts | None
    output: ImageFacts | None
    source_handle: object | None
    prompt_status: str | None
    queue_ms: float


class Gateway:
    def __init__(
        self,
        *,
        settings: Settings,
        guard: Guard,
        store: DecisionStore,
        pools: Pools,
        db: DbRunner,
        writer: BatchWriter,
        metrics: Metrics,
        sources: SourceCache | None = None,
    ) -> None:
        self.settings = settings
        self.guard = guard
        self.store = store
        self.pools = pools
        self.db = db
        self.writer = writer
        self.metrics = metrics
        self.sources: SourceCache = (
            sources
            if sources is not None
            else MemorySourceCache(settings.source_cache_size, settings.source_cache_seconds)
        )

    # --- requests -------------------------------------------------------------------------------

    async def screen_request(self, principal: Principal, check: RequestCheck) -> DecisionRecord:
        _same_tenant(principal, check.tenant)
        text = validate_prompt(check.text, self.guard.policy.prompt.max_chars)
        received = check.received_at or _now()
        ctx = Context(
            photo_of_person=check.photo_of_person,
            request_id=check.request_id,
            tenant=principal.tenant,
            account_id=check.account_id,
            jurisdiction=check.jurisdiction,
            received_at=received,
        )
        progress = _Progress()
        link = check.image is not None or check.session_id is not None

        def job() -> GuardResult:
            images: list[ImageFingerprint] = []
            if check.image is not None:
                images.append(self._fingerprint(check.image))
                progress.images = (StoredImage("source", images[0]),)
            if link:
                progress.lineage = self._find_lineage(principal.tenant, None, images, check.session_id)
            earlier = progress.lineage.max_requested_exposure if progress.lineage else None
            return self.guard.screen_request(
                RequestInput(text, check.photo_of_person, check.image), ctx, lineage_exposure=earlier
            )

        has_image = check.image is not None
        outcome = await self._run(job, progress, ctx, "request", has_source=has_image, images=has_image)
        record = await self._record(
            self._new(
                principal,
                outcome,
                stage="request",
                request_id=check.request_id,
                received=received,
                text=fingerprint_text(text),
                images=progress.images,
                session_id=check.session_id,
                account_id=check.account_id,
                jurisdiction=check.jurisdiction,
                requested_exposure=requested_exposure(outcome.decision),
                lineage=progress.lineage,
                start_lineage=progress.lineage is None and link,
            )
        )
        if outcome.source_handle is not None:
            await self.sources.put(record.id, outcome.source_handle)
        return record

    # --- outputs --------------------------------------------------------------------------------

    async def screen_output(self, principal: Principal, check: OutputCheck) -> DecisionRecord:
        _same_tenant(principal, check.tenant)
        received = check.received_at or _now()
        parent: DecisionRecord | None = None
        if check.decision_id is not None:
            parent = await self.db.run(lambda: self.store.get_decision(principal.tenant, check.decision_id or ""))
            if parent.stage != "request":
                raise InputError("decision_id must name a request decision, not an output decision")
        ctx = Context(
            request_id=check.request_id,
            tenant=principal.tenant,
            account_id=check.account_id,
            jurisdiction=check.jurisdiction,
            received_at=received,
            stage="output",
        )
        request_decision = _request_decision(parent) if parent is not None else None
        cached = await self.sources.get(parent.id) if parent is not None else None
        stored_source = parent.signals.get("source") if parent is not None else None
        progress = _Progress()
        if isinstance(stored_source, dict):
            progress.source_facts = facts_from_dict("source", stored_source)

        def job() -> GuardResult:
            output_fp = self._fingerprint(check.output_image)
            source_fp = self._fingerprint(check.source_image) if check.source_image is not None else None
            stored = [StoredImage("source", source_fp)] if source_fp is not None else []
            progress.images = (*stored, StoredImage("output", output_fp))
            progress.lineage = self._find_lineage(
                principal.tenant, check.decision_id, [source_fp] if source_fp else [], check.session_id
            )
            handle = cached
            if check.source_image is not None:
                progress.source_facts, handle = self._analyse_source(check.source_image)
            earlier = progress.lineage.max_requested_exposure if progress.lineage else None
            result = self.guard.screen_output(
                check.output_image,
                source=handle,
                source_facts=progress.source_facts,
                request=request_decision,
                context=ctx,
                lineage_exposure=earlier,
            )
            return self._identity_unavailable(result, handle, ctx, earlier, request_decision)

        outcome = await self._run(job, progress, ctx, "output", has_source=False, images=True)
        record = await self._record(
            self._new(
                principal,
                outcome,
                stage="output",
                request_id=check.request_id,
                received=received,
                images=progress.images,
                parent_id=None if parent is None else parent.id,
                session_id=check.session_id or (None if parent is None else parent.session_id),
                account_id=check.account_id or (None if parent is None else parent.account_id),
                jurisdiction=check.jurisdiction or (None if parent is None else parent.jurisdiction),
                output_exposure=None if outcome.output is None else outcome.output.exposure,
                lineage=progress.lineage,
                start_lineage=progress.lineage is None,
            )
        )
        return record

    async def get_decision(self, principal: Principal, decision_id: str) -> DecisionRecord:
        return await self.db.run(lambda: self.store.get_decision(principal.tenant, decision_id))

    # --- internals ------------------------------------------------------------------------------

    def _fingerprint(self, data: bytes) -> ImageFingerprint:
        return fingerprint_image(
            data, max_bytes=self.settings.max_image_bytes, max_pixels=self.settings.max_image_pixels
        )

    def _find_lineage(
        self, tenant: str, parent_id: str | None, images: list[ImageFingerprint], session_id: str | None
    ) -> LineageState | None:
        since = _now() - timedelta(hours=self.settings.lineage_window_hours)
        return self.store.find_lineage(
            tenant,
            since=since,
            parent_id=parent_id,
            images=images,
            session_id=session_id,
            max_distance=self.settings.lineage_max_distance,
        )

    def _analyse_source(self, image: bytes) -> tuple[ImageFacts, object | None]:
        if self.guard.images is None:
            return ImageFacts(role="source", persons=0, failed=ALL_IMAGE_CHECKS), None
        return self.guard.images.facts(image, "source")

    def _identity_unavailable(
        self,
        result: GuardResult,
        handle: object | None,
        ctx: Context,
        earlier: int | None,
        request: Decision | None,
    ) -> GuardResult:
        """Source facts known but its analysis is gone (restart, expiry): identity could not be
        compared. Say so, and let the policy fail closed on it."""
        out = result.output
        src = result.source
        if handle is not None or out is None or src is None or not src.faces:
            return result
        if out.same_person_as_source is not None or "identity" in out.failed:
            return result
        if out.exposure is not None and out.exposure < self.guard.policy.output.real_person_block_level:
            return result  # too little exposure for identity to matter (the inspector skips it too)
        out = replace(out, failed=out.failed | {"identity"})
        signals = Signals(
            source=src,
            output=out,
            request_categories=request.categories if request is not None else (),
            lineage_exposure=earlier,
        )
        decision = decide(self.guard.policy, signals, ctx).with_runtime(
            latency_ms=result.decision.latency_ms, models=result.decision.models
        )
        return GuardResult(decision, src, out)

    async def _run(
        self,
        job: Callable[[], GuardResult],
        progress: _Progress,
        ctx: Context,
        stage: Literal["request", "output"],
        *,
        has_source: bool,
        images: bool,
    ) -> _Outcome:
        deadline = time.monotonic() + self.settings.request_deadline_s
        try:
            timed = await self.pools.for_check(images).run(job, deadline=deadline)
        except DetectorTimeout as exc:
            self.metrics.detector_failures.labels("timeout").inc()
            log.warning("detectors timed out; failing closed", extra={"stage": stage, "waited_ms": exc.waited_ms})
            return self._fail_closed(progress, ctx, stage, Status.TIMEOUT, str(exc), exc.waited_ms, has_source)
        except OverloadedError:
            self.metrics.rejections.labels("overloaded").inc()
            raise
        except (InputError, StorageError):
            raise
        except Exception as exc:
            self.metrics.detector_failures.labels("error").inc()
            log.error("detectors failed; failing closed", exc_info=exc, extra={"stage": stage})
            message = f"{type(exc).__name__}: {exc}"
            return self._fail_closed(progress, ctx, stage, Status.ERROR, message, 0.0, has_source)
        result: GuardResult = timed.value
        self.metrics.queue_wait.observe(timed.queue_ms / 1000.0)
        self.metrics.detector_latency.labels(stage).observe(timed.run_ms / 1000.0)
        decision = result.decision if stage == "request" else result.final
        prompt_status = None
        if stage == "request":
            prompt_status = "ok" if "prompt" in decision.explanation else "unavailable"
        return _Outcome(
            decision,
            result.source,
            result.output if stage == "output" else None,
            result.source_handle,
            prompt_status,
            timed.queue_ms,
        )

    def _fail_closed(
        self,
        progress: _Progress,
        ctx: Context,
        stage: Literal["request", "output"],
        status: Status,
        message: str,
        latency_ms: float,
        has_source: bool,
    ) -> _Outcome:
        earlier = progress.lineage.max_requested_exposure if progress.lineage else None
        if stage == "request":
            source = ImageFacts(role="source", persons=0, failed=ALL_IMAGE_CHECKS) if has_source else None
            signals = Signals(prompt=PromptSignal(status, None, None, message), source=source, lineage_exposure=earlier)
            ctx = replace(ctx, stage="request")
            output = None
        else:
            source = progress.source_facts
            output = ImageFacts(role="output", persons=0, failed=ALL_IMAGE_CHECKS)
            signals = Signals(source=source, output=output, lineage_exposure=earlier)
        decision = decide(self.guard.policy, signals, ctx).with_runtime(
            latency_ms=latency_ms, models=self.guard.model_info()
        )
        return _Outcome(decision, source, output, None, status.value if stage == "request" else None, 0.0)

    @staticmethod
    def _new(
        principal: Principal,
        outcome: _Outcome,
        *,
        stage: Literal["request", "output"],
        request_id: str | None,
        received: datetime,
        text: TextFingerprint | None = None,
        images: tuple[StoredImage, ...] = (),
        parent_id: str | None = None,
        session_id: str | None = None,
        account_id: str | None = None,
        jurisdiction: str | None = None,
        requested_exposure: int | None = None,
        output_exposure: int | None = None,
        lineage: LineageState | None = None,
        start_lineage: bool = False,
    ) -> NewDecision:
        d = outcome.decision
        return NewDecision(
            id=new_id("dec"),
            tenant=principal.tenant,
            key_id=principal.key_id,
            request_id=request_id,
            stage=stage,
            action=d.action.value,
            categories=tuple(c.value for c in d.categories),
            severity=d.severity.name.lower(),
            degraded=d.degraded,
            rules=tuple(r.to_dict() for r in d.rules),
            signals=summarise(d, (outcome.source, outcome.output), outcome.prompt_status),
            policy_name=d.policy_name,
            policy_digest=d.policy_digest,
            models=tuple(m.to_dict() for m in d.models),
            received_at=received,
            detector_ms=d.latency_ms,
            queue_ms=outcome.queue_ms,
            text=text,
            images=images,
            parent_id=parent_id,
            session_id=session_id,
            account_id=account_id,
            jurisdiction=jurisdiction,
            requested_exposure=requested_exposure,
            output_exposure=output_exposure,
            lineage=lineage,
            start_lineage=start_lineage,
        )

    async def _record(self, new: NewDecision) -> DecisionRecord:
        try:
            record = await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(self.writer.submit(new))), self.settings.storage_timeout_s
            )
        except TimeoutError:
            raise StorageError("the decision could not be recorded in time; it was not acknowledged") from None
        self.metrics.decisions.labels(record.stage, record.action, str(record.degraded).lower()).inc()
        return record


def _same_tenant(principal: Principal, tenant: str | None) -> None:
    if tenant is not None and tenant != principal.tenant:
        raise ForbiddenError("this API key belongs to another tenant")


def _request_decision(record: DecisionRecord) -> Decision:
    """Enough of a stored request decision for the output check (its action and categories)."""
    return Decision(
        action=Action(record.action),
        categories=tuple(HarmCategory(c) for c in record.categories),
        severity=Severity[record.severity.upper()],
        rules=(),
        policy_name=record.policy_name,
        policy_digest=record.policy_digest,
        degraded=record.degraded,
    )


def _now() -> datetime:
    return utcnow()
