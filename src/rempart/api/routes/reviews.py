"""The human-review queue that ``review`` decisions open (scope review, the caller's tenant only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from rempart.api.deps import ReviewCaller, ServicesDep
from rempart.api.openapi import ERROR_RESPONSES
from rempart.api.schemas import DECISION_ID_PATTERN, ReviewBody, ReviewOut
from rempart.storage import utcnow

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


@router.get("", summary="List review items", responses=ERROR_RESPONSES)
async def list_reviews(
    caller: ReviewCaller,
    services: ServicesDep,
    status: Annotated[Literal["open", "resolved"], Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReviewOut]:
    items = await services.db.run(lambda: services.store.list_reviews(caller.tenant, status, limit))
    return [ReviewOut.model_validate(i.to_dict()) for i in items]


@router.post("/{decision_id}", summary="Resolve a review item", responses=ERROR_RESPONSES)
async def resolve_review(
    decision_id: Annotated[str, Path(pattern=DECISION_ID_PATTERN)],
    body: ReviewBody,
    caller: ReviewCaller,
    services: ServicesDep,
) -> ReviewOut:
    item = await services.db.run(
        lambda: services.store.resolve_review(
            caller.tenant, decision_id, outcome=body.outcome, reviewer_key_id=caller.key_id, note=body.note, at=utcnow()
        )
    )
    return ReviewOut.model_validate(item.to_dict())
