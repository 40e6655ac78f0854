"""The HTTP API of the gateway (FastAPI): ``create_app(settings, guard=None)``.

app.py          the factory; expensive parts built at start-up (lifespan), nothing at import
routes/         thin routes, one module per resource
deps.py         Annotated dependencies: services, authenticated caller with scope and rate limit
bodies.py       JSON or multipart bodies -> RequestCheck / OutputCheck
service.py      the use cases: fingerprint, lineage, guard on the pool, record (no HTTP here)
capacity.py     bounded inference pool with deadlines, database threads
errors.py       exceptions -> status codes and one JSON error shape
middleware.py   request ids, body limit, metrics, access log
schemas.py      wire schemas with OpenAPI examples
"""

from rempart.api.app import create_app

__all__ = ["create_app"]
