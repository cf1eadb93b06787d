"""An nginx configuration that serves a built output folder as `feedtool serve` does.

`feedtool build --nginx-conf FILE` writes it: a file to include in nginx's `http` block (on
Debian, drop it in /etc/nginx/conf.d/). It answers for the build's base URL with
- each output's exact media type and charset (atom.xml, rss.xml, feed.json, index.html);
- strong ETags and Last-Modified (nginx's own, from the file; feedtool keeps a file's time
  while its bytes stay the same, so a reader's conditional GET gets a 304);
- the `.gz` twins the build writes beside each output, as they are (gzip_static), with their
  own ETag and `Vary: Accept-Encoding`;
- `Cache-Control: no-cache` (readers may keep a copy, and revalidate it) and `no-store` on
  errors; only GET and HEAD; nothing whose name starts with a dot or ends with `~`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from feedtool.errors import ConfigError

MEDIA_TYPES = {
    "atom.xml": "application/atom+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
    "feed.json": "application/feed+json",
    "index.html": "text/html; charset=utf-8",
}
_VARIABLE = "$feedtool_cache_control"
_ALLOW = "$feedtool_allow"


def _quoted(text: str) -> str:
    """A string nginx reads back as it is (double quotes, backslash escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listen(base_url: str) -> tuple[str, str, str]:
    """(listen directive's address, server name, path) for a base URL."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base URL {base_url!r}: nginx needs an http(s) address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname
    # An address (127.0.0.1, [::1]) is listened on; a name is matched by server_name.
    literal = host.replace(".", "").isdigit() or ":" in host
    address = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if literal else str(port)
    if parts.scheme == "https":
        address += " ssl"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return address, host, path


def nginx_conf(out_dir: Path, base_url: str, outputs: Sequence[str]) -> str:
    """The configuration for serving `out_dir` at `base_url`; `outputs` are the files the build
    wrote, relative to `out_dir` (each has a .gz twin beside it)."""
    address, host, path = _listen(base_url)
    root = out_dir.resolve()
    lines = [
        "# Written by `feedtool build --nginx-conf`: serves the build's output folder as",
        "# `feedtool serve` does. Include it in nginx's http block; build again to update it.",
        f"map $status {_VARIABLE} {{",
        '    ~^[23] "no-cache";',
        '    default "no-store";',
        "}",
        f"map $request_method {_ALLOW} {{",
        '    GET "";',
        '    HEAD "";',
        '    default "GET, HEAD";',
        "}",
        "",
        "server {",
        f"    listen {address};",
        f"    server_name {host};",
    ]
    if address.endswith(" ssl"):
        lines += [
            "    # The base URL is https: give nginx the site's certificate and key.",
            "    ssl_certificate /etc/ssl/certs/FEEDS.pem;",
            "    ssl_certificate_key /etc/ssl/private/FEEDS.key;",
        ]
    lines += [
        "    server_tokens off;",
        "    charset off;",
        "    etag on;",
        "    if_modified_since before;",
        "    gzip_static on;",
        "    gzip_vary on;",
        f"    add_header Cache-Control {_VARIABLE} always;",
        f"    add_header Allow {_ALLOW} always;",
        f"    if ({_ALLOW}) {{",
        "        return 405;",
        "    }",
        "    # Dotfiles and editor backups are never served.",
        r'    location ~ "/\.|~$" {',
        "        return 404;",
        "    }",
    ]
    for name in sorted(outputs):
        kind = MEDIA_TYPES.get(Path(name).name)
        if kind is None:
            continue
        lines += [
            f"    location = {_quoted(path + name)} {{",
            f"        alias {_quoted(str(root / name))};",
            "        types { }",
            f"        default_type {_quoted(kind)};",
            "    }",
        ]
        if Path(name).name == "index.html":
            folder = path + name.removesuffix("index.html")
            lines += [
                f"    location = {_quoted(folder)} {{",
                f"        alias {_quoted(str((root / name).parent) + '/')};",
                "        index index.html;",
                "    }",
            ]
    lines += [
        "    # Other files of the output folder (a robots.txt...), with nginx's own media types.",
        f"    location {_quoted(path)} {{",
        f"        alias {_quoted(str(root) + '/')};",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)
