"""``--html``: one self-contained, offline HTML file for managers. Charts are inline SVG drawn
here (no script needed to see them); the findings table is sortable by a few lines of inline
script. Nothing is fetched from the network."""
from __future__ import annotations

import html
import json
import unicodedata
from datetime import date, timedelta

from kefulint.rules.categories import CATEGORIES
from kefulint.scan.summary import ScanSummary

_CSS = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4;cursor:pointer;user-select:none;white-space:nowrap}th.num,td.num{text-align:right}
td.text{min-width:16em;max-width:36em}td.nowrap{white-space:nowrap}
td.id{max-width:10em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
mark{background:#ffd54f}.fatal{color:#b71c1c;font-weight:bold}.flag{color:#e65100;font-weight:bold}
.sev-error{color:#b71c1c}.sev-warning{color:#e65100}.sev-info{color:#546e7a}
svg text{font-size:12px;font-family:inherit}
"""

_JS = """
(function(){
  var rows = JSON.parse(document.getElementById('findings-data').textContent);
  var body = document.getElementById('findings-body');
  var cols = %s;
  var wide = {message: 1, suggestion: 1, buyer: 1, text: 1};
  var nowrap = {rule: 1, severity: 1, agent: 1, time: 1, match: 1};
  var rank = {info:0, warning:1, error:2};
  function cell(r, c){
    var td = document.createElement('td');
    if (c === 'text') {
      var t = r.text, a = t.indexOf('\\u27e6'), b = t.indexOf('\\u27e7');
      if (a >= 0 && b > a) {
        td.appendChild(document.createTextNode(t.slice(0, a)));
        var m = document.createElement('mark'); m.textContent = t.slice(a + 1, b); td.appendChild(m);
        td.appendChild(document.createTextNode(t.slice(b + 1)));
      } else { td.textContent = t; }
    } else if (c === 'fatal') {
      td.textContent = r.fatal ? '\\u81f4\\u547d' : ''; if (r.fatal) td.className = 'fatal';
    } else {
      td.textContent = r[c] === null ? '' : String(r[c]);
      if (c === 'turn' || c === 'points') td.className = 'num';
      if (c === 'severity') td.className = 'nowrap sev-' + r.severity;
      else if (nowrap[c]) td.className = 'nowrap';
      else if (c === 'conversation') { td.className = 'id'; td.title = r[c]; }
    }
    if (wide[c]) td.className += (td.className ? ' ' : '') + 'text';
    return td;
  }
  function draw(){
    body.textContent = '';
    rows.forEach(function(r){
      var tr = document.createElement('tr');
      cols.forEach(function(c){ tr.appendChild(cell(r, c)); });
      body.appendChild(tr);
    });
  }
  var state = {col: null, dir: 1};
  document.querySelectorAll('#findings th').forEach(function(th){
    th.addEventListener('click', function(){
      var c = th.getAttribute('data-col');
      state.dir = state.col === c ? -state.dir : (c === 'points' || c === 'fatal' || c === 'severity' ? -1 : 1);
      state.col = c;
      rows.sort(function(x, y){
        var a = x[c], b = y[c];
        if (c === 'severity') { a = rank[a]; b = rank[b]; }
        if (typeof a === 'boolean') { a = a ? 1 : 0; b = b ? 1 : 0; }
        if (a < b) return -state.dir; if (a > b) return state.dir; return 0;
      });
      draw();
    });
  });
  draw();
  document.body.setAttribute('data-ready', '1');
})();
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# the findings table, in the order shown: what was wrong and what to say first, where it was last
TABLE_COLUMNS = (("severity", "级别"), ("rule", "规则"), ("message", "问题"), ("buyer", "买家上文"),
                 ("text", "客服消息"), ("suggestion", "建议"), ("points", "扣分"), ("fatal", "致命"),
                 ("agent", "客服"), ("conversation", "会话"), ("turn", "轮次"), ("time", "时间"), ("match", "命中"))
_RANK = {"error": 0, "warning": 1, "info": 2}


def _text_width(text: str, px: int = 12) -> float:
    """Width of ``text`` in pixels at a ``px`` font: CJK characters take a full em."""
    return sum(px if unicodedata.east_asian_width(ch) in "WF" else px * 0.6 for ch in text)


def _bars(items: list[tuple[str, int, str]], title: str, bars: int = 440) -> str:
    """Horizontal bar chart; items are (label, value, css class). Labels are never cut: the label
    column is as wide as the longest label."""
    if not items:
        return f'<p>{_e(title)}: —</p>'
    top = max(v for _, v, _ in items) or 1
    row = 22
    label_w = round(max(_text_width(label) for label, _, _ in items)) + 16
    width = label_w + bars + 60
    height = row * len(items) + 10
    parts = [(f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
              f'xmlns="http://www.w3.org/2000/svg">')]
    for i, (label, value, cls) in enumerate(items):
        y = 5 + i * row
        w = max(1, round((width - label_w - 60) * value / top))
        color = "#c62828" if cls == "fatal" else ("#ef6c00" if cls == "flag" else "#1976d2")
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="16" fill="{color}"/>'
                     f'<text x="{label_w + w + 4}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _timeline(days: dict[str, int], width: int = 720, height: int = 200) -> str:
    if not days:
        return "<p>No timestamps in the log. 日志中没有时间。</p>"
    days = _continuous(days)
    keys = sorted(days)
    top = max(days.values()) or 1
    left, bottom = 40, 30
    step = (width - left - 10) / max(1, len(keys))
    parts = [(f'<svg role="img" aria-label="points over time" width="{width}" height="{height}" '
              f'xmlns="http://www.w3.org/2000/svg">'),
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#999"/>',
             f'<text x="{left - 4}" y="14" text-anchor="end">{top}</text>']
    for i, day in enumerate(keys):
        h = round((height - bottom - 20) * days[day] / top)
        x = left + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h}" width="{max(1.0, step - 2):.1f}" height="{h}" '
                     f'fill="#1976d2"><title>{_e(day)}: {days[day]}</title></rect>')
    parts.append(f'<text x="{left}" y="{height - 10}">{_e(keys[0])}</text>')
    if len(keys) > 1:
        parts.append(f'<text x="{width - 5}" y="{height - 10}" text-anchor="end">{_e(keys[-1])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _continuous(days: dict[str, int]) -> dict[str, int]:
    """Every day from the first to the last (gaps are days without points); over 400 days, months."""
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    if (last - first).days > 400:
        months: dict[str, int] = {}
        for day, points in days.items():
            months[day[:7]] = months.get(day[:7], 0) + points
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            months.setdefault(f"{year}-{month:02d}", 0)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months
    out = {}
    for offset in range((last - first).days + 1):
        day = (first + timedelta(days=offset)).isoformat()
        out[day] = days.get(day, 0)
    return out


def render_html(summary: ScanSummary, rows: list[dict], truncated: bool = False) -> str:
    data = summary.to_dict()  # names as reports print them: "flagged" is read from it, not looked up by name
    # ⚑: over a threshold (a fatal finding alone is ☠ only), keyed by the names as printed
    over = {summary.shown(name): reasons for name, reasons in summary.over_threshold().items()}
    c = data["counts"]
    cards = "".join(
        f'<div class="card" data-count="{key}">{_e(label)}<b>{c[key]:,}</b></div>'
        for label, key in (("客服消息 agent turns", "agent_turns"), ("买家消息 buyer turns", "buyer_turns"),
                           ("会话 conversations", "conversations"), ("问题 findings", "findings"),
                           ("扣分 points", "points"), ("致命项 fatal", "fatal_findings"), ("跳过 skipped", "skipped"))
    )
    agent_bars = _bars(
        [(a["agent"], a["points"], "fatal" if a["fatal"] else ("flag" if a["agent"] in over else ""))
         for a in data["agents"][:25] if a["points"]], "points per agent")
    cat_bars = _bars([(f'{r["category"]} {CATEGORIES.get(r["category"], "")}', r["points"], "")
                      for r in data["categories"]], "points per category")
    agent_rows = "".join(
        f'<tr data-agent="{_e(a["agent"])}"><td>{_e(a["agent"])}'
        f'{" <span class=fatal>☠ 致命项</span>" if a["fatal"] else ""}'
        f'{" <span class=flag>⚑ " + _e("；".join(over[a["agent"]][:3])) + "</span>" if a["agent"] in over else ""}</td>'
        f'<td class="num agent-points">{a["points"]}</td><td class="num">{a["findings"]}</td>'
        f'<td class="num">{a["fatal"]}</td><td class="num">{a["turns"]}</td>'
        f'<td class="num">{a["slow_responses"]}/{a["response_times"]}</td></tr>'
        for a in data["agents"]
    )
    worst_rows = "".join(
        f'<tr><td>{"<span class=fatal>☠</span> " if w["fatal"] else ""}{_e(w["conversation"])}</td>'
        f'<td class="num">{w["points"]}</td><td>{_e(", ".join(w["agents"]))}</td>'
        f'<td>{_e(w["source"])}:{w["line"]}</td></tr>'
        for w in data["worst_conversations"]
    )
    rows = sorted(rows, key=lambda r: _RANK.get(r["severity"], 3))  # errors first; stable within a severity
    table_json = json.dumps(rows, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    heads = "".join(
        f'<th data-col="{col}"{" class=num" if col in ("turn", "points") else ""}>{_e(label)}</th>'
        for col, label in TABLE_COLUMNS
    )
    note = (f"<p>Showing the first {len(rows):,} of {c['findings']:,} findings; the full list is in "
            f"<code>--output</code>. 仅显示前 {len(rows):,} 条。</p>" if truncated else "")
    files = "".join(f"<li>{_e(f['source'])}: {_e(f['format'])}, {_e(f['encoding'])}</li>" for f in data["files"])
    review = _review(data["review"]) if "review" in data else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>kefulint 质检报告</title><style>{_CSS}</style></head>
<body>
<h1>kefulint 质检报告 <small>chat-log scan</small></h1>
<div class="cards">{cards}</div>
<ul>{files}</ul>
<h2>客服扣分 Points per agent <small>(⚑ &gt; {summary.thresholds.points} 分/{_e(summary.thresholds.period)}, ☠ 致命项)</small></h2>
{agent_bars}
<table id="agents"><thead><tr><th>客服 agent</th><th class="num">扣分</th><th class="num">问题</th><th class="num">致命</th><th class="num">消息</th><th class="num">超时/计时</th></tr></thead>
<tbody>{agent_rows}</tbody></table>
<h2>按类别 Points per category</h2>
{cat_bars}
<h2>扣分趋势 Points over time</h2>
{_timeline(data["points_by_day"])}
<h2>问题最多的会话 Worst conversations</h2>
<table id="worst"><thead><tr><th>会话</th><th class="num">扣分</th><th>客服</th><th>位置</th></tr></thead><tbody>{worst_rows}</tbody></table>
{review}<h2>问题明细 Findings <small>(错误在前；点击表头排序 errors first; click a header to sort)</small></h2>
{note}
<table id="findings"><thead><tr>{heads}</tr></thead><tbody id="findings-body"></tbody></table>
<script type="application/json" id="findings-data">{table_json}</script>
<script>{_JS % json.dumps([c for c, _ in TABLE_COLUMNS])}</script>
</body></html>
"""


def _review(review: dict) -> str:
    rows = "".join(
        f'<tr><td class="num">{i}</td><td class="num">{r["probability"]:.2f}</td><td>{_e(r["category"])} '
        f'{_e(CATEGORIES.get(r["category"], ""))}</td><td>{_e(" ".join(g for g, _ in r["ngrams"]))}</td>'
        f'<td>{_e(r["text"])}</td><td>{_e(r["conversation"])} #{r["turn"]}</td><td>{_e(r["agent"])}</td>'
        f'<td>{_e(r["source"])}:{r["line"]}</td></tr>'
        for i, r in enumerate(review["messages"], start=1)
    )
    return (f'<h2>模型复核队列 Review queue <small>({review["shown"]} of {review["flagged"]:,} messages the rules did '
            f'not flag; 规则未命中、模型疑似违规，请人工复核)</small></h2>\n'
            '<table id="review"><thead><tr><th class="num">#</th><th class="num">概率 p</th><th>类别</th>'
            '<th>关键片段 n-grams</th><th>消息</th><th>会话</th><th>客服</th><th>位置</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>\n')
