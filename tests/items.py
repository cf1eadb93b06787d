"""Writes item files in the scraped format, for tests that need inputs of their own."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

FEEDX_FOOTER = (
    '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" target="_blank">'
    'https://feedx.net</a> <br><a href="https://feedx.best" style="color:orange" target="_blank">'
    "https://feedx.best</a><br></div>"
)


def body(
    *,
    authors: str = "JANE DOE, JOHN ROE",
    when: str = "2023-09-14 02:49:21",
    paragraphs: tuple[str, ...] = ("第一段。第二句。", "第二段。"),
    footer: str = "",
    extra: str = "",
) -> str:
    article = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<address>{authors}</address><time datetime="{when}">日期</time>'
        '<figure><img src="https://images.weserv.nl/?url=static01.nyt.com/images/a/lead.jpg" width="10" '
        'height="5"><figcaption>图片说明。 <cite>Photographer</cite></figcaption></figure>'
        f"<section>{article}{extra}</section>"
        '<footer><p><a rel="nofollow" target="_blank" href="https://www.nytimes.com/by/jane-doe">Jane Doe</a>'
        "是记者。</p><p>翻译：某人</p></footer>"
        f"{footer}"
    )


def write_item(
    folder: Path,
    name: str,
    *,
    captured_ms: int = 1694675222000,
    title: str = "标题",
    url: str = "https://cn.nytimes.com/world/20230914/example/",
    html: str | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = f"<!--{captured_ms}-->\n[{title}]({url})\n------\n\n{body() if html is None else html}\n"
    path.write_text(text, encoding="utf-8")
    return path


def write_config(folder: Path, extra: str = "", *, base_url: str = "http://127.0.0.1:8000/") -> Path:
    path = folder / "feedtool.toml"
    path.write_text(
        f"""[feed]
title = "测试订阅"
subtitle = "feedtool 的测试"
site_url = "https://cn.nytimes.com/"
base_url = "{base_url}"
language = "zh-CN"

[read.timezones]
"cn.nytimes.com" = "Asia/Shanghai"
{extra}""",
        encoding="utf-8",
    )
    return path
