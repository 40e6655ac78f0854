"""The scorecard as one self-contained HTML page (no script, no external asset), a pure function.

Every value coming from the results (prompts, keys, target names) is escaped. Rates are drawn as
bars with their 95 % Wilson interval as a whisker; the technique x language matrices are coloured
by rate. Example prompts sit in closed ``<details>`` blocks, cut to a few hundred characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from rempart.redteam.scorecard import Cell, Scorecard

__all__ = ["render_html"]

_EXAMPLES_SHOWN: Final = 150

_CSS: Final = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1180px;
color:#1d232a;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dde3;padding-bottom:.3rem}
.meta{color:#5b6670;font-size:.9rem}.meta td{padding:.1rem .8rem .1rem 0;vertical-align:top}
.big{display:flex;gap:1.5rem;flex-wrap:wrap;margin:1rem 0}
.tile{border:1px solid #d8dde3;border-radius:8px;padding:.8rem 1.2rem;min-width:15rem}
.tile b{display:block;font-size:2rem}.tile span{color:#5b6670}
table.rates{border-collapse:collapse;width:100%;margin:.6rem 0}
table.rates th,table.rates td{padding:.25rem .5rem;border-bottom:1px solid #eef1f4;text-align:left;white-space:nowrap}
table.rates td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{position:relative;width:180px;height:12px;background:#f1f3f5;border-radius:3px;display:inline-block;
vertical-align:middle}
.bar i{position:absolute;left:0;top:0;bottom:0;border-radius:3px}
.bar.asr i{background:#d9534f}.bar.frr i{background:#f0ad4e}
.bar s{position:absolute;top:5px;height:2px;background:#1d232a;text-decoration:none}
table.matrix{border-collapse:collapse;font-size:.8rem;margin:.6rem 0}
table.matrix th,table.matrix td{border:1px solid #fff;padding:.2rem .35rem;text-align:center;min-width:2.2rem}
table.matrix th{background:#f5f6f8}
.ex{font-size:.85rem}.ex td{vertical-align:top;border-bottom:1px solid #eef1f4;padding:.2rem .4rem}
.ex td.t{white-space:normal;word-break:break-word}
details summary{cursor:pointer;margin:.6rem 0;font-weight:600}
.note{color:#5b6670;font-size:.85rem}
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _ci(ci: Sequence[float] | None) -> str:
    return "" if ci is None else f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}"


def _bar(kind: str, value: float | None, ci: Sequence[float] | None) -> str:
    if value is None:
        return '<span class="bar"></span>'
    width = f"{100 * value:.1f}%"
    whisker = ""
    if ci is not None:
        whisker = f'<s style="left:{100 * ci[0]:.1f}%;width:{max(0.5, 100 * (ci[1] - ci[0])):.1f}%"></s>'
    title = escape(f"{_pct(value)} (95 % CI {_ci(ci)})")
    return f'<span class="bar {kind}" title="{title}"><i style="width:{width}"></i>{whisker}</span>'


def _rates_table(cells: Mapping[str, Cell], label: str) -> str:
    rows = []
    for key, c in cells.items():
        errors = c.attack_errors + c.control_errors
        rows.append(
            "<tr>"
            f"<td>{escape(key)}</td>"
            f"<td>{_bar('asr', c.asr, c.asr_ci)}</td><td class=num>{_pct(c.asr)}</td>"
            f"<td class=num>{_ci(c.asr_ci)}</td><td class=num>{c.succeeded}/{c.attacks}</td>"
            f"<td>{_bar('frr', c.frr, c.frr_ci)}</td><td class=num>{_pct(c.frr)}</td>"
            f"<td class=num>{_ci(c.frr_ci)}</td><td class=num>{c.refused}/{c.controls}</td>"
            f"<td class=num>{errors or ''}</td>"
            "</tr>"
        )
    head = (
        f"<tr><th>{escape(label)}</th><th>attack success</th><th></th><th>95 % CI</th><th>n</th>"
        "<th>false refusal</th><th></th><th>95 % CI</th><th>n</th><th>errors</th></tr>"
    )
    return f'<table class="rates">{head}{"".join(rows)}</table>'


def _colour(value: float | None, hue: int) -> str:
    if value is None:
        return "#fafafa"
    return f"hsl({hue},70%,{97 - 45 * value:.0f}%)"


def _matrix(card: Scorecard, metric: str) -> str:
    langs: list[str] = []
    for cells in card.matrix.values():
        langs.extend(lang for lang in cells if lang not in langs)
    hue = 0 if metric == "asr" else 35
    head = "<tr><th></th>" + "".join(f"<th>{escape(lang)}</th>" for lang in langs) + "</tr>"
    rows = []
    for technique, cells in card.matrix.items():
        tds = []
        for lang in langs:
            c = cells.get(lang)
            if c is None:
                tds.append("<td></td>")
                continue
            value, ci, n = (c.asr, c.asr_ci, c.attacks) if metric == "asr" else (c.frr, c.frr_ci, c.controls)
            text = "–" if value is None else f"{100 * value:.0f}"
            title = escape(f"{technique} / {lang}: {_pct(value)} of {n} (95 % CI {_ci(ci)})")
            tds.append(f'<td style="background:{_colour(value, hue)}" title="{title}">{text}</td>')
        rows.append(f"<tr><th>{escape(technique)}</th>{''.join(tds)}</tr>")
    return f'<table class="matrix">{head}{"".join(rows)}</table>'


def _examples(title: str, examples: Sequence[Mapping[str, Any]]) -> str:
    if not examples:
        return f"<p class=note>{escape(title)}: none.</p>"
    rows = "".join(
        "<tr>"
        f"<td>{escape(str(e.get('id', '')))}</td><td>{escape(str(e.get('lang', '')))}</td>"
        f"<td>{escape(str(e.get('outcome', '')))}</td><td class=t>{escape(str(e.get('text', '')))}</td>"
        "</tr>"
        for e in examples[:_EXAMPLES_SHOWN]
    )
    more = f" (first {_EXAMPLES_SHOWN} shown)" if len(examples) > _EXAMPLES_SHOWN else ""
    return (
        f"<details><summary>{escape(title)}: {len(examples)}{more}</summary>"
        f'<table class="ex"><tr><th>case</th><th>lang</th><th>outcome</th><th>prompt</th></tr>{rows}</table></details>'
    )


def _run_meta(run: Mapping[str, Any]) -> str:
    target = run.get("target") or {}
    suite = run.get("suite") or {}
    machine = run.get("machine") or {}
    policy = target.get("policy") or {}
    models = target.get("models") or []
    items = [
        ("target", f"{target.get('kind', '?')} {target.get('url') or ''}".strip()),
        ("policy", f"{policy.get('name', '')} {policy.get('digest', '')}".strip() or "–"),
        ("models", ", ".join(f"{m.get('name')} {m.get('version')}" for m in models if isinstance(m, dict)) or "–"),
        ("suite", f"seed {suite.get('seed')} scale {suite.get('scale')} · {suite.get('cases')} cases · "
         f"{suite.get('sha256', '')}"),
        ("run", f"{run.get('started_at', '?')} · {run.get('duration_s', '?')} s · id {run.get('run_id', '?')}"),
        ("settings", ", ".join(f"{k}={v}" for k, v in (run.get("settings") or {}).items())),
        ("machine", f"{machine.get('cpu', '?')} · {machine.get('cores', '?')} cores · "
         f"{machine.get('memory_gb', '?')} GB · Python {machine.get('python', '?')}"),
    ]  # fmt: skip
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in items)
    return f'<table class="meta">{rows}</table>'


def _worst(card: Scorecard, metric: str) -> str:
    worst = card.worst(metric)
    if not worst:
        return "<p class=note>No cell with at least 10 cases has a non-zero rate.</p>"
    return _rates_table({f"{g}: {k}": c for g, k, c in worst}, "cell")


def render_html(card: Scorecard, title: str = "rempart red-team scorecard") -> str:
    o = card.overall
    errors = o.attack_errors + o.control_errors
    definitions = "".join(f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in card.definitions.items())
    sections = [
        f"<h1>{escape(title)}</h1>",
        _run_meta(card.run),
        '<div class="big">',
        f'<div class="tile"><span>attack success rate</span><b>{_pct(o.asr)}</b>'
        f"<span>95 % CI {_ci(o.asr_ci)} · {o.succeeded} of {o.attacks} attacks not blocked</span></div>",
        f'<div class="tile"><span>false-refusal rate</span><b>{_pct(o.frr)}</b>'
        f"<span>95 % CI {_ci(o.frr_ci)} · {o.refused} of {o.controls} benign controls blocked</span></div>",
        f'<div class="tile"><span>errors (no answer)</span><b>{errors}</b><span>left out of both rates</span></div>',
        "</div>",
        f"<ul class=note>{definitions}</ul>",
        "<h2>Worst cells: attack success</h2>",
        _worst(card, "asr"),
        "<h2>Worst cells: false refusal</h2>",
        _worst(card, "frr"),
        "<h2>By technique</h2>",
        _rates_table(card.groups.get("technique", {}), "technique"),
        "<h2>By harm category</h2>",
        _rates_table(card.groups.get("category", {}), "category"),
        "<h2>By language</h2>",
        _rates_table(card.groups.get("lang", {}), "language"),
        "<h2>By LANDSCAPE attack id</h2>",
        _rates_table(card.groups.get("landscape", {}), "landscape"),
        "<h2>Attack success, technique × language (%)</h2>",
        _matrix(card, "asr"),
        "<h2>False refusal, technique × language (%)</h2>",
        _matrix(card, "frr"),
        "<h2>By technique and variant</h2>",
        _rates_table(card.groups.get("variant", {}), "technique/variant"),
        "<h2>Examples</h2>",
        _examples("Attacks not blocked", card.successes),
        _examples("Benign controls blocked", card.false_refusals),
        _examples("Cases without an answer", card.errors),
    ]
    body = "\n".join(sections)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )
