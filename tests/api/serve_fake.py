"""Run a gateway on fakes in a process of its own: ``python serve_fake.py PORT DATABASE_URL PEPPER``.

Used by the crash test, which must be able to SIGKILL the server without killing pytest.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import uvicorn
from gateway_fakes import fake_guard

from rempart.api import create_app
from rempart.api.logs import configure_logging
from rempart.settings import Settings


def main() -> None:
    port, database_url, pepper = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    settings = Settings(
        environment="test", api_key_pepper=pepper, database_url=database_url, port=port, sqlite_synchronous="FULL"
    )
    configure_logging("WARNING")
    app = create_app(settings, fake_guard())
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, ws="none", lifespan="on")


if __name__ == "__main__":
    main()
