"""Reading the screening endpoints' bodies: JSON (images as base64) or multipart (images as files).

Both forms become the same ``RequestCheck`` / ``OutputCheck`` values. Limits are checked before
decoding: base64 text is measured before it is decoded, file parts are read up to the image limit.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from rempart.api.errors import BodyValidationError, UnsupportedMediaTypeError, validation_details
from rempart.api.schemas import ScreenOutputBody, ScreenRequestBody
from rempart.api.service import OutputCheck, RequestCheck
from rempart.errors import ImageTooLargeError, InvalidImageError
from rempart.settings import Settings

M = TypeVar("M", bound=BaseModel)

_REQUEST_FILES = ("image",)
_OUTPUT_FILES = ("output_image", "source_image")


async def read_request_check(request: Request, settings: Settings) -> RequestCheck:
    kind = _kind(request)
    if kind == "json":
        body = _validate(ScreenRequestBody, await request.body())
        image = None if body.image_base64 is None else decode_image(body.image_base64, "image_base64", settings)
    else:
        fields, files = await _form(request, settings, _REQUEST_FILES)
        body = _validate_fields(ScreenRequestBody, fields)
        image = files.get("image")
    return RequestCheck(
        text=body.text,
        image=image,
        photo_of_person=body.photo_of_person,
        session_id=body.session_id,
        account_id=body.account_id,
        jurisdiction=body.jurisdiction,
        tenant=body.tenant,
        request_id=request.state.request_id,
    )


async def read_output_check(request: Request, settings: Settings) -> OutputCheck:
    kind = _kind(request)
    if kind == "json":
        body = _validate(ScreenOutputBody, await request.body())
        output = decode_image(body.output_image_base64, "output_image_base64", settings)
        source = (
            None
            if body.source_image_base64 is None
            else decode_image(body.source_image_base64, "source_image_base64", settings)
        )
    else:
        fields, files = await _form(request, settings, _OUTPUT_FILES)
        if "output_image" not in files:
            raise BodyValidationError(
                "the output image is missing", [{"loc": ["body", "output_image"], "msg": "Field required"}]
            )
        fields["output_image_base64"] = ""
        body = _validate_fields(ScreenOutputBody, fields)
        output, source = files["output_image"], files.get("source_image")
    return OutputCheck(
        output_image=output,
        decision_id=body.decision_id,
        source_image=source,
        session_id=body.session_id,
        account_id=body.account_id,
        jurisdiction=body.jurisdiction,
        tenant=body.tenant,
        request_id=request.state.request_id,
    )


def decode_image(value: str, field: str, settings: Settings) -> bytes:
    """Bytes of a base64 image (a ``data:`` URL prefix allowed), measured before decoding."""
    if value.startswith("data:"):
        head, sep, rest = value.partition(",")
        if not sep or ";base64" not in head:
            raise InvalidImageError(f"{field}: a data URL must be base64-encoded")
        value = rest
    if len(value) > (settings.max_image_bytes * 4) // 3 + 8:
        raise ImageTooLargeError(f"{field}: the image exceeds {settings.max_image_bytes:,} bytes")
    if any(ch.isspace() for ch in value[:256]) or any(ch.isspace() for ch in value[-256:]):
        value = "".join(value.split())
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidImageError(f"{field} is not valid base64") from exc
    if not data:
        raise InvalidImageError(f"{field} is empty")
    if len(data) > settings.max_image_bytes:
        raise ImageTooLargeError(f"{field}: the image exceeds {settings.max_image_bytes:,} bytes")
    return data


def _kind(request: Request) -> str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("application/json", ""):
        return "json"
    if content_type == "multipart/form-data":
        return "multipart"
    raise UnsupportedMediaTypeError(
        f"unsupported content type {content_type!r}: send application/json or multipart/form-data"
    )


def _validate(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise BodyValidationError(
            "the request body does not match its schema", validation_details(exc.errors())
        ) from exc


def _validate_fields(model: type[M], fields: dict[str, Any]) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise BodyValidationError("the form does not match its schema", validation_details(exc.errors())) from exc


async def _form(
    request: Request, settings: Settings, file_fields: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, bytes]]:
    async with request.form(max_files=len(file_fields), max_fields=16, max_part_size=64 * 1024) as form:
        return _split(form, file_fields), await _files(form, file_fields, settings)


def _split(form: FormData, file_fields: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key in file_fields:
            continue
        if isinstance(value, UploadFile):
            raise BodyValidationError(f"unexpected file field {key!r}", [{"loc": ["body", key], "msg": "not a file"}])
        if key in fields:
            raise BodyValidationError(f"field {key!r} given twice", [{"loc": ["body", key], "msg": "duplicate"}])
        fields[key] = None if value == "" else value
    return fields


async def _files(form: FormData, file_fields: tuple[str, ...], settings: Settings) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for key in file_fields:
        value = form.get(key)
        if value is None:
            continue
        if not isinstance(value, UploadFile):
            raise BodyValidationError(
                f"{key!r} must be a file part", [{"loc": ["body", key], "msg": "expected a file"}]
            )
        data = await value.read(settings.max_image_bytes + 1)
        if len(data) > settings.max_image_bytes:
            raise ImageTooLargeError(f"{key}: the image exceeds {settings.max_image_bytes:,} bytes")
        if not data:
            raise InvalidImageError(f"{key} is empty")
        out[key] = data
    return out
