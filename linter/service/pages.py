"""The HTML the service answers browsers with: the draft page (package data ``page.html``) and the
page a browser without the token gets."""
from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def token_page() -> bytes:
    """What a browser without the token sees: what to do, not raw JSON."""
    return """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>kefulint · 需要访问令牌</title>
<style>body{font:15px/1.7 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:640px;margin:48px auto;
padding:0 16px;color:#1f2328}code{background:#f6f8fa;padding:1px 5px;border-radius:4px}</style></head>
<body><h1>需要访问令牌 · Token required</h1>
<p>这个 kefulint 服务设置了访问令牌。请打开启动服务时给出的地址，或在地址后加上
<code>?token=你的令牌</code>（令牌即启动时的 <code>--token</code> 或环境变量 <code>KEFULINT_TOKEN</code>），
例如 <code>http://127.0.0.1:8765/?token=…</code>。打开一次后，浏览器会记住它。</p>
<p>This kefulint service needs a token. Open the page as <code>/?token=YOUR_TOKEN</code> (the value of
<code>--token</code> or <code>KEFULINT_TOKEN</code> the service was started with); the browser keeps it afterwards.
Programs send <code>Authorization: Bearer YOUR_TOKEN</code>.</p>
</body></html>
""".encode()


@functools.cache
def page_html() -> bytes:
    """The draft page (package data ``page.html``): HTML, CSS and JS inline, no external assets."""
    return resources.files(__package__).joinpath("page.html").read_bytes()
