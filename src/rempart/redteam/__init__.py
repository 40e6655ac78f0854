"""Red-team: generate attack suites, run them against a guard or an HTTP endpoint, score the results.

    suite.py      the suite values (Case, Turn) and their canonical JSONL form
    phrases.py    the hand-written phrase table: the same requests in the 17 languages
    generate.py   seeds x techniques (LANDSCAPE section 4) -> a reproducible suite with benign controls
    adapters.py   the ``Target`` protocol and its adapters: in-process guard, rempart's API, any JSON API
    selector.py   the small JSONPath-like selector the JSON adapter reads verdicts with
    runner.py     asyncio runner: bounded concurrency, timeouts, bounded retries with backoff -> results JSONL
    scorecard.py  results JSONL -> scorecard and run-to-run diff (pure transforms)
    render.py     the scorecard as one self-contained HTML page

The same ``Guard`` the API uses is what the in-process target runs; reports are pure transforms of
the results file.
"""
