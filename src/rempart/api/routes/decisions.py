"""``GET /v1/decisions/{decision_id}`` (scopes audit or review, the caller's tenant only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from rempart.api.deps import ReaderCaller, ServicesDep
from rempart.api.openapi import ERROR_RESPONSES
from rempart.api.schemas import DECISION_ID_PATTERN, DecisionOut

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])


@router.get(
    "/{decision_id}", summary="Read a stored decision", responses={200: {"model": DecisionOut}, **ERROR_RESPONSES}
)
async def get_decision(
    decision_id: Annotated[str, Path(pattern=DECISION_ID_PATTERN)], caller: ReaderCaller, services: ServicesDep
) -> JSONResponse:
    record = await services.gateway.get_decision(caller, decision_id)
    return JSONResponse(record.to_dict())
