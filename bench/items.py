"""Synthetic item files shaped like the seeds: Chinese text, a lead figure, bylines, footers."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Common characters, so the text has the byte profile of real Chinese articles.
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
)
SURNAMES = ["PAUL", "JANE", "CHOE", "GAYA", "NEIL", "AMY", "LI", "WANG", "ZHANG", "MARIA", "OMAR", "KEN"]
GIVEN = ["SONNE", "DOE", "SANG-HUN", "GUPTA", "MACFARQUHAR", "QIN", "YUAN", "CHEN", "ABI-HABIB", "BRADSHER"]
SECTIONS = ["world", "asia-pacific", "china", "business", "technology", "culture", "opinion", "usa"]
SEPARATORS = [", ", "、", "和", " and "]
FEEDX = (
    '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" target="_blank">'
    'https://feedx.net</a> <br><a href="https://feedx.best" style="color:orange" target="_blank">'
    "https://feedx.best</a><br></div>"
)


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(12, 40))) + rng.choice("。。。！？")


def _paragraph(rng: random.Random) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def item_text(n: int, rng: random.Random) -> str:
    published = datetime(2022, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(2 * 365 * 86400))
    captured = published + timedelta(hours=8, seconds=rng.randrange(1, 86400))
    section = rng.choice(SECTIONS)
    slug = f"article-{n}"
    url = f"https://cn.nytimes.com/{section}/{published:%Y%m%d}/{slug}/"
    names = [f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 3))]
    authors = rng.choice(SEPARATORS).join(names)
    local = published + timedelta(hours=8)
    paragraphs = []
    for p in range(rng.randint(8, 22)):
        text = _paragraph(rng)
        if p % 7 == 3:
            text = (
                text[:20] + f'<a href="https://cn.nytimes.com/{section}/{p}/">{text[20:26]}</a>' + text[26:]
            )
        paragraphs.append(f"<p>{text}</p>")
        if p % 9 == 5:
            paragraphs.append(
                f'<p><img src="https://images.weserv.nl/?url=static01.nyt.com/images/{n}/{p}.jpg">'
                f'<small style="color: #999;">{_sentence(rng)}</small></p>'
            )
    bylines = "".join(
        '<p><a rel="nofollow" target="_blank" '
        f'href="https://www.nytimes.com/by/{name.lower().replace(" ", "-")}">'
        f"{name.title()}</a>是时报记者。</p>"
        for name in names
    )
    body = (
        f'<address>{authors}</address><time pudate="{local:%Y-%m-%d %H:%M:%S}" '
        f'datetime="{local:%Y-%m-%d %H:%M:%S}">{local:%Y年%m月%d日}</time>'
        f'<figure><img src="https://images.weserv.nl/?url=static01.nyt.com/images/{n}/lead.jpg" width="1050" '
        f'height="700"><figcaption>{_sentence(rng)} <cite>Photographer {n}</cite></figcaption></figure>'
        f"<section>{''.join(paragraphs)}</section>"
        f"<footer>{bylines}<p>翻译：纽约时报中文网</p></footer>"
        f"{FEEDX if rng.random() < 0.7 else ''}"
    )
    title = "".join(rng.choice(HANZI) for _ in range(rng.randint(8, 20)))
    return f"<!--{int(captured.timestamp() * 1000)}-->\n[{title}]({url})\n------\n\n{body}\n"


def generate(folder: Path, count: int, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{n:05d}.txt"
        path.write_text(item_text(n, rng), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
