"""rempart: a safety gateway for AI image generation and editing.

The pipeline, one sub-package per stage:

    media/           reading images safely (limits, formats, decompression bombs)
    text/, vision/   signals: what the instruction asks for, what the images show
    policy/          the pure decision over those signals
    guard.py         runs detectors then the policy, for requests and outputs
    api/, client.py  the HTTP gateway and its Python client
    auth/            tenants' API keys, scopes and rate limits
    storage/         decisions, lineages and reviews on SQLite or PostgreSQL (records)
    audit/           measuring a corpus of generated images for auditors
    redteam/         attacking a guardrail (rempart or another) and scoring it
    evaluation/      metrics with confidence intervals for labelled data
    cli/             the ``rempart`` command

Shared by all: ``vocabulary`` (harm taxonomy, exposure scale, legal grounds), ``signals``
(the detector result shape), ``errors`` (one exception tree), ``settings``.
"""

__version__ = "0.1.0"
