"""No indicator key (``rd.hnte_center.new``, ``hnte.total`` …) in the text a person reads: every
page every role reaches from its home page (as the XSS crawl walks them), with a computed
snapshot and targets linked to indicators, shows the indicators' Chinese names instead.

Keys may appear where nobody reads them (chart data, form values, attributes); the check reads
the visible text: the HTML without scripts, styles, tags and attribute values."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tests import access_world
from tests.test_xss import checked, crawl

world = access_world.world
pytestmark = pytest.mark.django_db

INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>", re.S)


def visible_text(html: str) -> str:
    return unescape(TAG.sub(" ", INVISIBLE.sub(" ", html)))


def test_visible_text_leaves_out_attributes_and_scripts():
    html = '<p title="hnte.total">高新技术企业总数</p><script>var k="hnte.total"</script>'
    assert "hnte.total" not in visible_text(html)
    assert "hnte.total" in visible_text("<td>hnte.total</td>")


@pytest.fixture(scope="module")
def crawled_with_indicators(world, django_db_blocker):
    from reports import registry
    from reports.models import YearTarget
    from reports.services import compute_indicators

    with django_db_blocker.unblock():
        compute_indicators(2023)
        compute_indicators(2024)
        keys = sorted(registry.by_key())
        YearTarget.objects.create(
            year=2024, label="新增高新技术企业", minimum=20, maximum=25, indicator_key=keys[0]
        )
        results = {}
        for actor, user in world["actors"].items():
            if actor in ("anon", "root"):
                continue
            client = Client()
            client.force_login(user)
            results[actor] = crawl(client, reverse("home"))
        results["anon"] = crawl(Client(), reverse("home"))
    return keys, results


def test_no_page_shows_an_indicator_key_or_a_dashed_empty_choice(crawled_with_indicators):
    keys, results = crawled_with_indicators
    # a key as a word of its own (not part of a longer dotted name or a file name, nor a
    # {placeholder} of the summary's paragraphs, which staff type on purpose)
    pattern = re.compile(
        r"(?<![\w.{])(?:" + "|".join(re.escape(k) for k in keys) + r")(?:\.yoy)?(?![\w.])"
    )
    problems, pages = [], 0
    for actor, responses in results.items():
        for url, response in responses.items():
            if response.status_code != 200 or not checked(response):
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            html = response.content.decode()
            found = pattern.findall(visible_text(html))
            if found:
                problems.append(f"{actor} {url}: {sorted(set(found))}")
            if ">---------<" in html:
                problems.append(f"{actor} {url}: an empty choice reads ---------")
    assert pages > 50
    assert problems == []
