"""The OpenAPI document: both body forms of the screening endpoints, error responses, examples.

The screening endpoints read their bodies themselves (JSON or multipart on one path), so their
request bodies are described here and the JSON body schemas are added to the components.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from rempart.api.schemas import (
    DECISION_ID_PATTERN,
    JURISDICTION_PATTERN,
    SESSION_PATTERN,
    ErrorOut,
    ScreenOutputBody,
    ScreenRequestBody,
)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "malformed input"},
    401: {"model": ErrorOut, "description": "missing or invalid API key"},
    403: {"model": ErrorOut, "description": "the key lacks the scope, or names another tenant"},
    404: {"model": ErrorOut, "description": "no such record for this tenant"},
    413: {"model": ErrorOut, "description": "body or image over the size limits"},
    415: {"model": ErrorOut, "description": "neither JSON nor multipart"},
    422: {"model": ErrorOut, "description": "invalid instruction, image or field"},
    429: {"model": ErrorOut, "description": "rate limit exceeded; see Retry-After"},
    503: {"model": ErrorOut, "description": "at capacity or database unavailable; see Retry-After"},
}

_COMMON_FORM: dict[str, Any] = {
    "session_id": {"type": "string", "pattern": SESSION_PATTERN},
    "account_id": {"type": "string", "maxLength": 128},
    "jurisdiction": {"type": "string", "pattern": JURISDICTION_PATTERN},
    "tenant": {"type": "string", "maxLength": 64},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def request_body_doc() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": _ref("ScreenRequestBody"),
                    "examples": {
                        "text_to_image": {"summary": "text only", "value": _examples(ScreenRequestBody)[0]},
                        "edit_with_photo": {"summary": "edit of a photo", "value": _examples(ScreenRequestBody)[1]},
                    },
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string"},
                            "image": {"type": "string", "format": "binary", "description": "the source image"},
                            "photo_of_person": {"type": "boolean"},
                            **_COMMON_FORM,
                        },
                    },
                    "encoding": {"image": {"contentType": "image/png, image/jpeg, image/webp, image/gif"}},
                },
            },
        }
    }


def output_body_doc() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": _ref("ScreenOutputBody"),
                    "examples": {
                        "by_decision": {
                            "summary": "output of a screened request",
                            "value": _examples(ScreenOutputBody)[0],
                        }
                    },
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["output_image"],
                        "properties": {
                            "output_image": {"type": "string", "format": "binary"},
                            "source_image": {"type": "string", "format": "binary"},
                            "decision_id": {"type": "string", "pattern": DECISION_ID_PATTERN},
                            **_COMMON_FORM,
                        },
                    }
                },
            },
        }
    }


def _examples(model: type[ScreenRequestBody] | type[ScreenOutputBody]) -> list[dict[str, Any]]:
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict)
    examples = extra["examples"]
    assert isinstance(examples, list)
    return [e for e in examples if isinstance(e, dict)]


def install_openapi(app: FastAPI) -> None:
    """Build the document once, on first request, with the body schemas in its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ScreenRequestBody, ScreenOutputBody):
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
