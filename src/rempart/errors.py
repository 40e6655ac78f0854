"""The one exception hierarchy of rempart. Domain code raises these; the edges map them.

The CLI maps them to exit codes with a one-line message, the HTTP API to status codes and a
stable JSON error body (``code``, ``message``). Domain code never raises HTTP errors.

    RempartError                      base; exit code 1
    ├── ConfigError                   settings or environment are invalid; exit 2
    │   └── PolicyError               a policy file does not validate; exit 2
    ├── InputError                    the caller's input is unusable; exit 3 / HTTP 400-422
    │   ├── InvalidTextError          empty, oversized, binary or undecodable text
    │   ├── InvalidRecordError        a JSONL line that is not valid JSON or lacks required fields
    │   └── InvalidImageError         corrupt, truncated, unsupported or unreadable image
    │       └── ImageTooLargeError    byte or pixel limits exceeded (decompression bombs)
    ├── ModelError                    a model could not be loaded or run; exit 4
    │   └── ModelUnavailableError     its package or weights are not installed
    ├── StorageError                  the database failed; exit 5 / HTTP 503
    │   └── NotFoundError             a record does not exist; HTTP 404
    └── AuthError                     missing or invalid credentials; HTTP 401
        └── ForbiddenError            valid credentials without the scope; HTTP 403
"""

from __future__ import annotations


class RempartError(Exception):
    """Base of every error rempart raises on purpose."""

    code = "rempart_error"
    exit_code = 1


class ConfigError(RempartError):
    code = "config_error"
    exit_code = 2


class PolicyError(ConfigError):
    code = "policy_invalid"


class InputError(RempartError):
    code = "invalid_input"
    exit_code = 3


class InvalidTextError(InputError):
    code = "invalid_text"


class InvalidRecordError(InputError):
    code = "invalid_record"


class InvalidImageError(InputError):
    code = "invalid_image"


class ImageTooLargeError(InvalidImageError):
    code = "image_too_large"


class ModelError(RempartError):
    code = "model_error"
    exit_code = 4


class ModelUnavailableError(ModelError):
    code = "model_unavailable"


class StorageError(RempartError):
    code = "storage_error"
    exit_code = 5


class NotFoundError(StorageError):
    code = "not_found"


class AuthError(RempartError):
    code = "unauthorized"


class ForbiddenError(AuthError):
    code = "forbidden"
