"""``POST /v1/screen/request`` and ``POST /v1/screen/output``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from rempart.api.bodies import read_output_check, read_request_check
from rempart.api.deps import ScreenCaller, ServicesDep
from rempart.api.openapi import ERROR_RESPONSES, output_body_doc, request_body_doc
from rempart.api.schemas import DecisionOut
from rempart.storage import DecisionRecord

router = APIRouter(prefix="/v1/screen", tags=["screen"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": DecisionOut, "description": "the decision, recorded before this response was sent"},
    **ERROR_RESPONSES,
}


@router.post(
    "/request",
    summary="Screen an instruction (and its source photo) before generating",
    responses=_RESPONSES,
    openapi_extra=request_body_doc(),
)
async def screen_request(request: Request, caller: ScreenCaller, services: ServicesDep) -> JSONResponse:
    check = await read_request_check(request, services.settings)
    record = await services.gateway.screen_request(caller, check)
    return _decision(request, record)


@router.post(
    "/output",
    summary="Check a generated image against its request decision or source",
    responses=_RESPONSES,
    openapi_extra=output_body_doc(),
)
async def screen_output(request: Request, caller: ScreenCaller, services: ServicesDep) -> JSONResponse:
    check = await read_output_check(request, services.settings)
    record = await services.gateway.screen_output(caller, check)
    return _decision(request, record)


def _decision(request: Request, record: DecisionRecord) -> JSONResponse:
    request.state.decision_id = record.id
    request.state.action = record.action
    return JSONResponse(record.to_dict())
