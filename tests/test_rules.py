"""The user's rules ([rules] in feedtool.toml): what each does to the items a reader gets.

Expected outputs are written by hand. The Chinese conversions were checked character by
character against the standards OpenCC follows: OpenCC's own Traditional forms (爲 U+7232,
裏 U+88CF, 着 U+7740), Taiwan's (為 U+70BA, 裡 U+88E1, 著 U+8457) and Hong Kong's (為, 裏, 着).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib
import pytest
from html_oracle import forbidden_parts
from items import SEEDS, body, write_config, write_item
from lxml import etree

from feedtool.clean import clean_item, sanitize
from feedtool.cli import main
from feedtool.config import load_settings
from feedtool.errors import ConfigError, ItemError
from feedtool.model import Image, Item, Person

ATOM = "{http://www.w3.org/2005/Atom}"
URL = "https://cn.nytimes.com/world/20230914/example/"


def item(**fields) -> Item:
    values = {
        "id": URL,
        "url": URL,
        "title": "标题",
        "published": datetime(2023, 9, 14, tzinfo=UTC),
        "updated": datetime(2023, 9, 14, tzinfo=UTC),
        "content_html": "<p>正文。</p>",
    }
    return Item(**(values | fields))


def settings_with(tmp_path: Path, rules: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    return load_settings(write_config(tmp_path, rules))


def cleaned(tmp_path: Path, rules: str, **fields) -> Item | None:
    """The item as the feed would carry it with `rules`; None when a rule drops it."""
    return clean_item(item(**fields), settings_with(tmp_path, rules)).item


# --- strip ------------------------------------------------------------------------------------


def test_strip_removes_the_selected_elements_but_keeps_the_text_after_them(tmp_path):
    rules = '[rules]\nstrip = ["div.ad", "p.promo"]\n'
    html = '<p>一</p><div class="ad"><p>买！</p></div>之后<p class="promo">订阅</p><p class="x">二</p>'
    assert cleaned(tmp_path, rules, content_html=html).content_html == "<p>一</p>之后<p>二</p>"


def test_strip_selects_top_level_elements_as_children_of_body(tmp_path):
    rules = '[rules]\nstrip = ["body > p:first-child", "section > p"]\n'
    html = "<p>广告</p><section><p>正文</p></section><p>结尾</p>"
    assert cleaned(tmp_path, rules, content_html=html).content_html == "<section></section><p>结尾</p>"


def test_content_no_rule_touched_is_cleaned_exactly_as_without_rules(tmp_path):
    # A stray </p>: the sanitizer's parser makes it an empty paragraph, as browsers do.
    html = "<blockquote>引文</blockquote></p><p>正文</p>"
    assert (
        cleaned(tmp_path, "", content_html=html).content_html
        == "<blockquote>引文</blockquote><p></p><p>正文</p>"
    )
    untouched = cleaned(tmp_path / "r", '[rules]\nstrip = ["div.ad"]\nconvert = "t2s"\n', content_html=html)
    assert untouched.content_html == "<blockquote>引文</blockquote><p></p><p>正文</p>"


def test_rules_keep_the_text_of_broken_markup(tmp_path):
    html = "<p>们<br></br>这</p></body></html><p>这\x0b</p>"
    got = cleaned(tmp_path, '[rules]\nconvert = "s2t"\n', content_html=html)
    assert got.content_html == "<p>們<br><br>這</p><p>這</p>"


def test_replace_leaves_attribute_text_alone(tmp_path):
    rules = "[[rules.replace]]\npattern = '图'\nwith = '圖'\n"
    got = cleaned(
        tmp_path, rules, content_html='<p title="图">图</p><img src="https://e.example/a.jpg" alt="图">'
    )
    assert got.content_html == '<p title="图">圖</p><img src="https://e.example/a.jpg" alt="图">'


# --- filter / filterout / since -----------------------------------------------------------------

FIELDS = {
    "title": "普京与金正恩会面",
    "content_html": '<p class="lead">俄罗斯<a href="https://example.com/sponsor">远东</a>太空发射场</p>',
    "authors": (Person("PAUL SONNE"), Person("CHOE SANG-HUN")),
    "categories": ("asia-pacific",),
    "url": "https://cn.nytimes.com/asia-pacific/20230914/putin-kim/",
}


@pytest.mark.parametrize(
    ("field", "pattern", "matches"),
    [
        ("title", "金正恩", True),
        ("title", "^金正恩", False),
        ("content", "远东太空", True),  # text across an element boundary
        ("content", "sponsor", False),  # a URL is not text
        ("content", "lead", False),  # nor is markup
        ("author", "(?i)choe", True),  # any author
        ("author", "^SANG", False),
        ("category", "^asia-pacific$", True),
        ("category", "world", False),
        ("link", "/asia-pacific/", True),
        ("link", "nytimes\\.com/world", False),
    ],
)
def test_filter_keeps_and_filterout_drops_items_matching_a_field(tmp_path, field, pattern, matches):
    rule = f"{field} = '{pattern}'\n"
    kept = cleaned(tmp_path / "keep", f"[[rules.filter]]\n{rule}", **FIELDS)
    dropped = cleaned(tmp_path / "drop", f"[[rules.filterout]]\n{rule}", **FIELDS)
    assert (kept is not None) == matches
    assert (dropped is None) == matches


def test_a_filter_with_several_fields_needs_all_of_them_and_any_filter_keeps(tmp_path):
    both = "[[rules.filter]]\ntitle = '普京'\nlink = '/world/'\n"
    assert cleaned(tmp_path / "a", both, **FIELDS) is None  # the link does not match
    either = both + "[[rules.filter]]\nauthor = 'PAUL'\n"
    assert cleaned(tmp_path / "b", either, **FIELDS) is not None


def test_filters_see_the_content_after_strip(tmp_path):
    html = '<p>正文</p><div class="ad">赞助内容</div>'
    rules = "[rules]\nstrip = ['div.ad']\n[[rules.filterout]]\ncontent = '赞助'\n"
    assert cleaned(tmp_path, rules, content_html=html) is not None


def test_filters_are_written_against_the_source_text_before_convert(tmp_path):
    rules = '[rules]\nconvert = "s2t"\n[[rules.filterout]]\ntitle = "会面"\n'
    assert cleaned(tmp_path, rules, title="普京与金正恩会面") is None


def test_filters_never_read_scripts_or_comments(tmp_path):
    html = "<p>正文</p><script>track('赞助')</script><!-- 赞助 --><style>.赞助{}</style>"
    assert cleaned(tmp_path, "[[rules.filterout]]\ncontent = '赞助'\n", content_html=html) is not None


def test_since_drops_items_published_before_it(tmp_path):
    rules = "[rules]\nsince = 2023-09-14T08:00:00+08:00\n"
    assert cleaned(tmp_path, rules, published=datetime(2023, 9, 13, 23, 59, tzinfo=UTC)) is None
    assert cleaned(tmp_path, rules, published=datetime(2023, 9, 14, 0, 0, tzinfo=UTC)) is not None
    day = "[rules]\nsince = 2023-09-14\n"  # a bare date: the start of that day in UTC
    assert cleaned(tmp_path / "d", day, published=datetime(2023, 9, 13, 23, 59, tzinfo=UTC)) is None


# --- replace ----------------------------------------------------------------------------------


def test_replace_edits_title_and_text_but_never_urls_or_markup(tmp_path):
    rules = "[[rules.replace]]\npattern = 'nytimes'\nwith = 'NYT'\n"
    got = cleaned(
        tmp_path,
        rules,
        title="nytimes 中文网",
        summary="来自 nytimes。",
        content_html='<p class="nytimes"><a href="https://cn.nytimes.com/a/">nytimes 报道</a></p>',
    )
    assert got.title == "NYT 中文网"
    assert got.summary == "来自 NYT。"
    assert got.content_html == '<p><a href="https://cn.nytimes.com/a/">NYT 报道</a></p>'


def test_replace_in_title_only_leaves_the_content_and_groups_work(tmp_path):
    rules = "[[rules.replace]]\npattern = '^【(.+?)】'\nwith = '[\\1] '\nin = 'title'\n"
    got = cleaned(tmp_path, rules, title="【独家】普京", content_html="<p>【独家】正文</p>")
    assert got.title == "[独家] 普京"
    assert got.content_html == "<p>【独家】正文</p>"


def test_replace_comes_before_convert(tmp_path):
    rules = '[rules]\nconvert = "s2t"\n[[rules.replace]]\npattern = "纽约时报"\nwith = "时报"\n'
    assert cleaned(tmp_path, rules, title="纽约时报中文网").title == "時報中文網"


# --- convert ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("s2t", "为了里面的头发，着急", "爲了裏面的頭髮，着急"),
        ("s2tw", "为了里面的头发，着急", "為了裡面的頭髮，著急"),
        ("s2hk", "为了里面的头发，着急", "為了裏面的頭髮，着急"),
        ("t2s", "頭髮裡面為了", "头发里面为了"),
        ("tw2s", "頭髮裡面為了", "头发里面为了"),
    ],
)
def test_convert_turns_the_title_into_the_named_script(tmp_path, name, source, expected):
    assert cleaned(tmp_path, f'[rules]\nconvert = "{name}"\n', title=source).title == expected


def test_convert_reaches_every_text_of_the_item_and_no_url(tmp_path):
    got = cleaned(
        tmp_path,
        '[rules]\nconvert = "s2t"\n',
        title="普京与金正恩会面，患难时刻俄朝“拥抱”彼此",
        summary="两国关系",
        content_html=(
            '<p title="头发">会面<a href="https://example.com/会面">链接</a></p>'
            '<img src="https://example.com/头发.jpg" alt="头发">'
        ),
        authors=(Person("刘和平", uri="https://example.com/刘和平"),),
        categories=("国际",),
        image=Image(url="https://example.com/头发.jpg", caption="俄罗斯总统", credit="新华社"),
    )
    assert got.title == "普京與金正恩會面，患難時刻俄朝“擁抱”彼此"
    assert got.summary == "兩國關係"
    # The cleaner writes URLs percent-encoded: these are the UTF-8 bytes of 会面 and 头发, not of
    # the converted 會面 (%E6%9C%83...) or 頭髮.
    assert got.content_html == (
        '<p title="頭髮">會面<a href="https://example.com/%E4%BC%9A%E9%9D%A2">鏈接</a></p>'
        '<img src="https://example.com/%E5%A4%B4%E5%8F%91.jpg" alt="頭髮">'
    )
    assert got.authors == (Person("劉和平", uri="https://example.com/%E5%88%98%E5%92%8C%E5%B9%B3"),)  # 刘和平
    assert got.categories == ("國際",)
    assert got.image == Image(
        url="https://example.com/%E5%A4%B4%E5%8F%91.jpg",
        caption="俄羅斯總統",
        credit="新華社",
        media_type="image/jpeg",
    )


def test_a_rewritten_body_keeps_its_urls_as_the_sanitizer_reads_them(tmp_path):
    # Real feeds have URLs with a stray space or line break, which the sanitizer trims; written
    # back percent-encoded (as lxml's own HTML writer does) they would point elsewhere.
    html = '<p>头发 <a href="https://e.example/a.html ">链接</a><img src="https://e.example/b\n.jpg"></p>'
    got = cleaned(tmp_path, '[rules]\nconvert = "s2t"\n', content_html=html)
    assert (
        got.content_html
        == '<p>頭髮 <a href="https://e.example/a.html">鏈接</a><img src="https://e.example/b.jpg"></p>'
    )


def test_convert_leaves_scripts_and_comments_to_the_sanitizer(tmp_path):
    html = "<p>头发</p><!-- 头发 --><script>var a = '头发';</script>"
    assert cleaned(tmp_path, '[rules]\nconvert = "s2t"\n', content_html=html).content_html == "<p>頭髮</p>"


# --- bad rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("[[rules.filter]]\ntitle = '(unclosed'\n", "rules.filter[1].title: not a valid regular expression"),
        ("[[rules.filterout]]\nname = 'x'\n", "rules.filterout[1]: needs a pattern for at least one of"),
        ("[[rules.filterout]]\nheadline = 'x'\n", "rules.filterout[1]: unknown key 'headline'"),
        ("[rules]\nstrip = ['div.ad', 'p >']\n", "rules.strip[2]: not a CSS selector lxml can use: 'p >'"),
        ("[rules]\nstrip = ['p::before']\n", "rules.strip[1]: not a CSS selector lxml can use"),
        ("[rules]\nconvert = 's2x'\n", "rules.convert: unknown conversion 's2x' (known: "),
        ("[rules]\nconvert = '/etc/opencc/s2t.json'\n", "rules.convert: unknown conversion"),
        ("[rules]\nsince = '2023-09-01'\n", "rules.since: must be a date or date-time, unquoted"),
        ("[rules]\nlimit = 3\n", "rules: unknown rule 'limit'"),
        ("[rules]\nstrip = 'div.ad'\n", "rules.strip: must be a list of rules"),
        (
            "[[rules.replace]]\npattern = 'a'\nwith = '\\1'\n",
            "rules.replace[1].with: not a valid replacement",
        ),
        ("[[rules.replace]]\npattern = 'a'\n", "rules.replace[1]: needs a pattern and what to replace"),
        ("[[rules.replace]]\npattern = 'a'\nwith = 'b'\nin = 'link'\n", "rules.replace[1].in: must be"),
        (
            "[[rules.filter]]\ntitle = 'a'\nexamples = [{input = 'a', output = 'kept'}]\n",
            "rules.filter[1].examples[1].output: must be 'keep' or 'drop'",
        ),
    ],
    ids=[
        "filter-bad-regex",
        "filterout-no-pattern",
        "filterout-unknown-key",
        "strip-bad-selector",
        "strip-pseudo-element",
        "convert-unknown",
        "convert-path",
        "since-quoted",
        "unknown-rule",
        "strip-not-a-list",
        "replace-bad-with",
        "replace-without-with",
        "replace-bad-in",
        "example-bad-output",
    ],
)
def test_a_bad_rule_is_a_usage_error_naming_file_rule_and_problem(
    tmp_path, monkeypatch, capsys, rules, message
):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir()}
    write_config(tmp_path, rules)
    capsys.readouterr()
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert f"feedtool.toml:{message}" in err, err
    assert len(err.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir()} == before


def test_parse_errors_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"feedtool\.toml:rules\.strip\[1\]: not a CSS selector"):
        settings_with(tmp_path, "[rules]\nstrip = ['[']\n")


# --- examples ---------------------------------------------------------------------------------

PASSING_EXAMPLES = """
[rules]
convert = { to = "s2t", examples = [{ input = "头发", output = "頭髮" }] }

[[rules.strip]]
selector = "div.ad"
examples = [{ input = "<p>a</p><div class=ad>x</div>", output = "<p>a</p>" }]

[[rules.filterout]]
title = "广告"
examples = [{ input = "【广告】买", output = "drop" }, { input = "新闻", output = "keep" }]

[[rules.filter]]
title = "."
link = "/world/"
examples = [{ input = { title = "x", link = "https://a.example/world/1" }, output = "keep" }]

[[rules.replace]]
name = "short name"
pattern = "纽约时报"
with = "时报"
examples = [{ input = "纽约时报中文网", output = "时报中文网" }]
"""


def build_project(tmp_path: Path, monkeypatch, rules: str = "") -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path, rules)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_passing_examples_let_the_build_and_check_run(tmp_path, monkeypatch, capsys):
    build_project(tmp_path, monkeypatch, PASSING_EXAMPLES)
    assert main(["build"]) == 0, capsys.readouterr().err
    assert main(["build", "--check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("wrong", "right", "message"),
    [
        (
            'output = "时报中文网"',
            'output = "時報中文网"',
            "feedtool.toml:rules.replace[1] (short name): expected '時報中文网', got '时报中文网'",
        ),
        (
            'output = "頭髮"',
            'output = "头发"',
            "feedtool.toml:rules.convert (s2t): expected '头发', got '頭髮'",
        ),
        (
            'output = "drop" }, { input = "新闻"',
            'output = "keep" }, { input = "新闻"',
            "feedtool.toml:rules.filterout[1]: expected 'keep', got 'drop'",
        ),
        (
            'output = "<p>a</p>" }',
            'output = "<p>a</p><div>x</div>" }',
            "feedtool.toml:rules.strip[1] (div.ad): expected '<p>a</p><div>x</div>', got '<p>a</p>'",
        ),
    ],
    ids=["replace", "convert", "filterout", "strip"],
)
def test_a_failing_example_fails_build_and_check_naming_the_rule(
    tmp_path, monkeypatch, capsys, wrong, right, message
):
    project = build_project(tmp_path, monkeypatch, PASSING_EXAMPLES)
    assert main(["build"]) == 0
    before = {p.name: p.read_bytes() for p in (project / "dist").iterdir()}
    assert wrong in PASSING_EXAMPLES
    write_config(project, PASSING_EXAMPLES.replace(wrong, right, 1))
    capsys.readouterr()
    assert main(["build", "--check"]) == 1
    assert message in capsys.readouterr().err
    assert main(["build"]) == 1
    assert message in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (project / "dist").iterdir()} == before


# --- builds -----------------------------------------------------------------------------------

SEED_RULES = """
[rules]
strip = ["footer p:last-child", "p > small"]
convert = "s2t"

[[rules.filterout]]
name = "world section"
link = '/world/'
"""


def atom_entries(folder: Path) -> list[etree._Element]:
    feed = etree.fromstring((folder / "atom.xml").read_bytes(), etree.XMLParser(resolve_entities=False))
    return feed.findall(f"{ATOM}entry")


def test_seeds_with_strip_filterout_and_convert(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, SEED_RULES)
    assert main(["build"]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "1 items -> dist/" in err and "the rules dropped 1" in err
    assert "warning" not in err  # every rule matched something
    entries = atom_entries(project / "dist")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["普京與金正恩會面，患難時刻俄朝“擁抱”彼此"]
    content = entries[0].findtext(f"{ATOM}content")
    assert "點擊查看本文英文版" not in content and "点击查看本文英文版" not in content  # strip
    assert "乌克兰战争使得朝鲜对俄罗斯的重要性远甚以往" not in content  # the <small> caption
    assert "<p>翻譯：紐約時報中文網</p>" in content  # the footer's other paragraphs stay, converted
    assert "<p>他們注視着火箭發射臺的工作情況。" in content  # 台 as a platform is 臺
    assert "https://www.nytimes.com/by/paul-sonne" in content  # URLs as they were
    rss = (project / "dist" / "rss.xml").read_bytes()
    json_feed = (project / "dist" / "feed.json").read_bytes()
    # Deterministic: a cold rebuild elsewhere gives the same bytes.
    shutil.rmtree(project / ".feedtool-cache")
    assert main(["build", "--out", "again"]) == 0
    assert (project / "again" / "rss.xml").read_bytes() == rss
    assert (project / "again" / "feed.json").read_bytes() == json_feed


def test_a_rule_that_matched_nothing_is_a_warning_on_every_build(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, SEED_RULES.replace('"p > small"', '"p > small", "div.ad"'))
    warning = (
        "warning: feedtool.toml:rules.strip[3] (div.ad): matched nothing in the 2 items of this build; "
        "has the site changed?"
    )
    # Cold, up to date, from the cache into another folder, and --check.
    for args in (["build"], ["build"], ["build", "--out", "other"], ["build", "--check"]):
        assert main(args) == 0
        err = capsys.readouterr().err
        assert warning in err, (args, err)
        assert err.count("warning:") == 1
    assert (project / "other" / "atom.xml").exists()


def test_filters_drop_items_before_the_limit_counts_them(tmp_path, monkeypatch, capsys):
    seeds = tmp_path / "seeds"
    for n, section in enumerate(["asia", "world", "asia", "world", "asia"]):
        write_item(
            seeds,
            f"{n}.txt",
            captured_ms=1700000000000,
            title=f"第{n}条",
            url=f"https://cn.nytimes.com/{section}/2023110{n}/item-{n}/",
            html=body(when=f"2023-11-0{n + 1} 08:00:00"),
        )
    write_config(tmp_path, "[[rules.filterout]]\nlink = '/world/'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--limit", "2"]) == 0
    # Newest first: 4 kept, 3 dropped, 2 kept; 1 and 0 are not part of this feed.
    assert "(3 parsed, 0 from cache; the rules dropped 1)" in capsys.readouterr().err
    assert [e.findtext(f"{ATOM}title") for e in atom_entries(tmp_path / "dist")] == ["第4条", "第2条"]
    assert main(["build", "--limit", "3"]) == 0
    assert [e.findtext(f"{ATOM}title") for e in atom_entries(tmp_path / "dist")] == [
        "第4条",
        "第2条",
        "第0条",
    ]
    assert "3 items -> dist/" in capsys.readouterr().err
    assert main(["build", "--limit", "0"]) == 0
    assert "3 items -> dist/" in capsys.readouterr().err
    assert main(["build", "--limit", "0"]) == 0  # nothing changed: the same figures, nothing read
    assert "3 items -> dist/: already up to date (0 parsed, 5 from cache; the rules dropped 2)" in (
        capsys.readouterr().err
    )


def test_changing_a_rule_rebuilds_cached_items(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, '[rules]\nconvert = "s2t"\n')
    assert main(["build"]) == 0
    titles = [e.findtext(f"{ATOM}title") for e in atom_entries(project / "dist")]
    assert "普京與金正恩會面，患難時刻俄朝“擁抱”彼此" in titles
    write_config(project, '[rules]\nconvert = "s2tw"\n[[rules.replace]]\npattern = "普京"\nwith = "蒲亭"\n')
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "(2 parsed, 0 from cache)" in capsys.readouterr().err
    titles = [e.findtext(f"{ATOM}title") for e in atom_entries(project / "dist")]
    assert "蒲亭與金正恩會面，患難時刻俄朝“擁抱”彼此" in titles
    write_config(project)  # no rules: the feeds are the plain build's again
    assert main(["build"]) == 0
    assert "普京与金正恩会面，患难时刻俄朝“拥抱”彼此" in [
        e.findtext(f"{ATOM}title") for e in atom_entries(project / "dist")
    ]


def test_rules_that_drop_every_item_say_so(tmp_path, monkeypatch, capsys):
    build_project(tmp_path, monkeypatch, "[[rules.filter]]\ntitle = 'no such title'\n")
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "no items to build a feed from (the rules in feedtool.toml:rules dropped all 2)" in err


# --- the README -------------------------------------------------------------------------------

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def readme_blocks(kind: str) -> list[str]:
    """The fenced blocks of the README's Rules section, in order, whose fence says `kind`."""
    section = README.split("## Rules: `[rules]`", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n", 1)[1] for block in section.split("```")[1::2] if block.startswith(kind)]


def test_the_readme_example_does_what_the_readme_says(tmp_path, monkeypatch, capsys):
    (example,) = readme_blocks("toml")
    project = build_project(tmp_path, monkeypatch, example)
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "1 items -> dist/" in err
    (entry,) = atom_entries(project / "dist")
    assert entry.findtext(f"{ATOM}title") == "普京與金正恩會面，患難時刻俄朝“擁抱”彼此"
    assert entry.findtext(f"{ATOM}content").endswith("<p>翻譯：紐約時報</p></footer>")


def test_the_readme_messages_are_what_feedtool_prints(tmp_path, monkeypatch, capsys):
    (example,) = readme_blocks("toml")
    failing, warning, bad = (block.strip() for block in readme_blocks("\n"))
    build_project(tmp_path, monkeypatch)
    selectors = 'strip = ["footer p:last-child", "p > small"]'
    assert selectors in example and "with = '纽约时报'" in example
    write_config(tmp_path, example.replace("with = '纽约时报'", "with = '纽约时报中文网'"))
    assert main(["build"]) == 1
    assert failing in capsys.readouterr().err
    write_config(tmp_path, example.replace(selectors, 'strip = ["footer p:last-child", "p > big"]'))
    assert main(["build"]) == 0
    assert warning.replace("(p > small)", "(p > big)") in capsys.readouterr().err
    write_config(tmp_path, example.replace(selectors, 'strip = ["footer p:last-child", "p >"]'))
    assert main(["build"]) == 2
    assert capsys.readouterr().err.strip() == bad


# --- what rules never do --------------------------------------------------------------------

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
MARK = "\ue000"  # a private-use character: no article has it
# Replaces the start of every run of text with MARK: the body is rewritten, all of it.
REWRITE_ALL = f"[[rules.replace]]\npattern = '\\A'\nwith = '{MARK}'\nin = 'content'\n"


def visible_text(html: str) -> str:
    root = html5lib.parseFragment(html, namespaceHTMLElements=False)
    return re.sub(r"\s+", "", "".join(root.itertext()))


@pytest.mark.skipif(not (SHARED / "xss-payloads.jsonl").exists(), reason="needs ../shared/corpus")
def test_content_rewritten_by_rules_is_still_sanitized(tmp_path):
    settings = settings_with(tmp_path, REWRITE_ALL)
    unsafe, unstable = [], []
    for line in (SHARED / "xss-payloads.jsonl").read_text(encoding="utf-8").split("\n"):
        if line.strip():
            payload = json.loads(line)["payload"]
            try:
                got = clean_item(item(content_html=payload), settings).item
            except ItemError:  # nothing left after sanitizing: nothing unsafe either
                continue
            if forbidden_parts(got.content_html):
                unsafe.append((payload[:80], forbidden_parts(got.content_html)))
            if sanitize(got.content_html, URL) != got.content_html:
                unstable.append(payload[:80])
    assert unsafe == []
    assert unstable == []


@pytest.mark.skipif(not (SHARED / "feeds" / "real").is_dir(), reason="needs ../shared/corpus")
def test_rules_that_rewrite_real_articles_change_no_url_and_only_the_text_they_edit(tmp_path):
    plain, rewriting = settings_with(tmp_path / "plain", ""), settings_with(tmp_path / "rules", REWRITE_ALL)
    checked, changed = 0, []
    for path in sorted((SHARED / "feeds" / "real").iterdir()):
        entries = feedparser.parse(path, sanitize_html=False, resolve_relative_uris=False).entries
        bodies = [e.content[0].value for e in entries if e.get("content")] or [
            e.summary for e in entries if e.get("summary")
        ]
        if not bodies or MARK in bodies[0]:
            continue
        try:
            before = clean_item(item(content_html=bodies[0]), plain).item
        except ItemError:
            continue
        after = clean_item(item(content_html=bodies[0]), rewriting).item
        checked += 1
        urls = re.compile(r'(?:href|src|cite)="([^"]*)"')
        if set(urls.findall(after.content_html)) != set(urls.findall(before.content_html)):
            changed.append((path.name, "URLs"))
        if visible_text(after.content_html).replace(MARK, "") != visible_text(before.content_html):
            changed.append((path.name, "text"))
    assert checked > 150
    assert changed == []


@pytest.mark.skipif(not (SHARED.parent / "sources" / "feedx-nytimes.xml").exists(), reason="needs ../shared")
def test_the_aggregators_feed_with_the_rules_gives_the_seeds_item(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, SEED_RULES)
    assert main(["build"]) == 0
    assert (
        main(["build", "--source", str(SHARED.parent / "sources" / "feedx-nytimes.xml"), "--out", "feed"])
        == 0
    )
    err = capsys.readouterr().err
    assert "warning" not in err and "the rules dropped 1" in err
    from_seeds, from_feed = atom_entries(project / "dist"), atom_entries(project / "feed")

    def shown(entries: list[etree._Element]) -> list[list[str | None]]:
        """What the issue asks the feed to give as the seeds do: link, instant, authors, text."""
        paths = ("id", "updated", "title", "author/{*}name", "summary", "content")
        return [[e.findtext(f"{ATOM}{p}") for p in paths] for e in entries]

    assert shown(from_feed) == shown(from_seeds)
    assert [e.findtext(f"{ATOM}title") for e in from_feed] == ["普京與金正恩會面，患難時刻俄朝“擁抱”彼此"]


FEEDS = """
[rules]
strip = ["div.ad"]

[[feeds]]
name = "plain"
sources = ["seeds"]

[[feeds]]
name = "traditional"
sources = ["seeds"]
[feeds.rules]
convert = "s2t"
[[feeds.rules.filterout]]
link = "/world/"
examples = [{ input = "https://a.example/x/", output = "keep" }]
"""


def test_each_of_several_feeds_has_its_rules_and_reports_them_by_feed(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, FEEDS)
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert (
        "warning: feedtool.toml:rules.strip[1] (div.ad): matched nothing in the 2 items of feed 'plain'; "
        "has the site changed?"
    ) in err
    assert "feedtool.toml:feeds[2].rules" not in err  # its rules replace [rules], and both matched
    titles = {
        name: [e.findtext(f"{ATOM}title") for e in atom_entries(project / "dist" / name)]
        for name in ("plain", "traditional")
    }
    assert titles == {
        "plain": ["普京与金正恩会面，患难时刻俄朝“拥抱”彼此", "普京将与习近平会面，俄防长访问朝鲜"],
        "traditional": ["普京與金正恩會面，患難時刻俄朝“擁抱”彼此"],
    }
    write_config(project, FEEDS.replace('output = "keep"', 'output = "drop"'))
    assert main(["build"]) == 1
    assert "feedtool.toml:feeds[2].rules.filterout[1]: expected 'drop', got 'keep'" in capsys.readouterr().err


SIMPLIFIED_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <title>纽约时报中文网</title>
  <subtitle>国际新闻与评论</subtitle>
  <link href="https://cn.nytimes.com/"/>
  <id>https://cn.nytimes.com/</id>
  <updated>2023-09-14T02:49:21+08:00</updated>
  <author><name>纽约时报中文网编辑部</name></author>
  <entry>
    <title>普京与金正恩会面</title>
    <link href="https://cn.nytimes.com/world/20230914/example/"/>
    <id>https://cn.nytimes.com/world/20230914/example/</id>
    <updated>2023-09-14T02:49:21+08:00</updated>
    <content type="html">&lt;p&gt;两国领导人会面。&lt;/p&gt;</content>
  </entry>
</feed>
"""


def feed_texts(folder: Path) -> dict[str, list[str | None]]:
    """The feed's own title, subtitle/description and author in each output a reader gets."""
    atom = etree.fromstring((folder / "atom.xml").read_bytes())
    rss = etree.fromstring((folder / "rss.xml").read_bytes()).find("channel")
    json_feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    page = etree.fromstring((folder / "index.html").read_bytes(), etree.HTMLParser())
    return {
        "atom": [atom.findtext(f"{ATOM}title"), atom.findtext(f"{ATOM}subtitle"),
                 atom.findtext(f"{ATOM}author/{ATOM}name")],
        "rss": [rss.findtext("title"), rss.findtext("description")],
        "json": [json_feed["title"], json_feed["description"], json_feed["authors"][0]["name"]],
        "page": [page.findtext(".//title")],
    }  # fmt: skip


def test_convert_turns_the_feeds_own_title_subtitle_and_author_too(tmp_path, monkeypatch, capsys):
    """Taken from the source feed (no title in feedtool.toml), all in the script of the items."""
    (tmp_path / "feed.xml").write_text(SIMPLIFIED_FEED, encoding="utf-8")
    (tmp_path / "feedtool.toml").write_text(
        '[feed]\nbase_url = "http://127.0.0.1:8000/"\n[rules]\nconvert = "s2t"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "feed.xml", "--out", "out"]) == 0, capsys.readouterr().err
    title, subtitle, author = "紐約時報中文網", "國際新聞與評論", "紐約時報中文網編輯部"
    assert feed_texts(tmp_path / "out") == {
        "atom": [title, subtitle, author],
        "rss": [title, subtitle],
        "json": [title, subtitle, author],
        "page": [title],
    }
    assert [e.findtext(f"{ATOM}title") for e in atom_entries(tmp_path / "out")] == ["普京與金正恩會面"]


def test_convert_turns_the_title_and_subtitle_written_in_feedtool_toml_too(tmp_path, monkeypatch, capsys):
    project = build_project(tmp_path, monkeypatch, '[rules]\nconvert = "s2t"\n')  # 测试订阅, feedtool 的测试
    assert main(["build"]) == 0, capsys.readouterr().err
    texts = feed_texts(project / "dist")
    assert texts["atom"][:2] == texts["json"][:2] == ["測試訂閱", "feedtool 的測試"]
    assert texts["rss"] == ["測試訂閱", "feedtool 的測試"]
    assert texts["page"] == ["測試訂閱"]
