"""rempart: a safety gateway for AI image generation and editing.

The pipeline, one sub-package per stage:

    text/, vision/   signals: what the instruction asks for, what the images show
    policy/          the pure decision over those signals
    guard.py         runs detectors then the policy, for requests and outputs
    cli/             the ``rempart`` command
"""

__version__ = "0.1.0"
