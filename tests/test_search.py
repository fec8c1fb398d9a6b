"""Site search (/search/): each kind of record is found by the fields people type, each user
finds only what the lists show them, and hostile input never fails the page."""

import datetime as dt

import pytest
from django.urls import reverse

from kejiju.choices import Role
from kejiju.models import PlanCategory
from kejiju.search import PER_KIND
from patents.tests.factories import app_number, make_patent
from projects.models import Project

URL = reverse("site_search")


@pytest.fixture
def world(db, enterprise, other_enterprise, expert_record):
    def project(number, name, owner):
        return Project.objects.create(
            number=number,
            name=name,
            category=PlanCategory.objects.get(code="industrial"),
            undertaker=owner.name,
            enterprise=owner,
            applied_on=dt.date(2024, 2, 1),
            status="applied",
        )

    return {
        "own_project": project("GY-2024-017", "高效节能电机控制器研发", enterprise),
        "foreign_project": project("GY-2024-018", "节能汽车零部件检测平台", other_enterprise),
        "own_patent": make_patent(41, title="一种节能电机的散热结构", enterprise=enterprise),
        "foreign_patent": make_patent(
            42, title="一种节能阀门", applicants=other_enterprise.name, enterprise=other_enterprise
        ),
    }


def found(client, q) -> dict[str, list[str]]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return {g.kind: [hit.title for hit in g.hits] for g in response.context["groups"] if g.total}


def test_staff_find_every_kind_by_name_and_code(world, make_user, login, enterprise):
    client = login(make_user(Role.STAFF))
    assert found(client, "瑞安测试")["企业"] == [enterprise.name]
    assert found(client, enterprise.credit_code.lower())["企业"] == [enterprise.name]
    assert found(client, "gy-2024-017")["科技项目"] == ["高效节能电机控制器研发"]
    assert found(client, "节能电机") == {
        "科技项目": ["高效节能电机控制器研发"],
        "专利": ["一种节能电机的散热结构"],
    }
    number = world["own_patent"].application_number
    assert found(client, number)["专利"] == ["一种节能电机的散热结构"]
    # 申请号 as people copy it: with the CN prefix, without the dot.
    assert found(client, "CN" + number.replace(".", ""))["专利"] == ["一种节能电机的散热结构"]
    assert found(client, "测试专家")["专家"] == ["测试专家"]
    page = client.get(URL, {"q": "节能"}).content.decode()
    assert reverse("projects:detail", args=[world["own_project"].pk]) in page
    assert reverse("patents:detail", args=[world["own_patent"].pk]) in page


def test_enterprise_finds_only_its_own_projects_and_patents(world, make_user, login, enterprise):
    client = login(make_user(Role.ENTERPRISE, enterprise=enterprise))
    assert found(client, "节能") == {
        "科技项目": ["高效节能电机控制器研发"],
        "专利": ["一种节能电机的散热结构"],
    }
    # Neither the registry, the foreign enterprise's records nor the expert pool.
    assert found(client, "GY-2024-018") == {}
    assert found(client, world["foreign_patent"].application_number) == {}
    assert found(client, "瑞安") == {}
    assert found(client, "测试专家") == {}
    page = client.get(URL, {"q": "节能"}).content.decode()
    assert "节能阀门" not in page and "检测平台" not in page


def test_leader_searches_the_registry_but_not_the_expert_pool(world, make_user, login):
    client = login(make_user(Role.LEADER))
    assert found(client, "测试专家") == {}
    assert set(found(client, "瑞安")) == {"企业"}
    assert "专家" not in client.get(URL).context["kinds"]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.AUDITOR, Role.SECURITY_ADMIN])
def test_roles_without_anything_to_search_are_refused(world, make_user, login, role, expert_record):
    extra = {"expert": expert_record} if role == Role.EXPERT else {}
    client = login(make_user(role, **extra))
    assert client.get(URL, {"q": "节能"}).status_code == 403
    home = client.get(reverse("home"), follow=True).content.decode()
    assert 'name="q"' not in home or "kj-search-q" not in home


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(URL, {"q": "节能"})
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_box_is_in_the_top_bar_for_those_who_may_search(make_user, login):
    page = login(make_user(Role.STAFF)).get(reverse("staff_home")).content.decode()
    assert 'id="kj-search-q"' in page and f'action="{URL}"' in page
    assert 'for="kj-search-q"' in page


def test_many_hits_are_cut_with_a_link_to_the_list(db, make_user, login):
    for serial in range(PER_KIND + 5):
        make_patent(100 + serial, title=f"一种批量装置{serial}")
    client = login(make_user(Role.STAFF))
    response = client.get(URL, {"q": "批量装置"})
    (group,) = response.context["groups"]
    assert group.total == PER_KIND + 5 and len(group.hits) == PER_KIND
    assert f"{reverse('patents:list')}?q=%E6%89%B9" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "节" * 3000,
        "节能\x00电机",
        "\x00",
        "'\" OR 1=1 --",
        "%_\\",
        "<script>alert(1)</script>",
        "　 ",
        app_number(41) + "' ",
    ],
)
def test_hostile_queries_never_fail(world, make_user, login, q):
    client = login(make_user(Role.STAFF))
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    if len(q) > 100:
        assert "搜索词最多 100 个字符" in page and response.context["groups"] == []


def test_nul_is_read_as_a_space_and_like_wildcards_as_text(world, make_user, login):
    client = login(make_user(Role.STAFF))
    assert found(client, "节能\x00电机") == {}  # "节能 电机" matches no title
    assert found(client, "%") == {}
    assert found(client, "_") == {}


def test_counts_stop_at_the_cap(db, make_user, login, monkeypatch):
    from kejiju import search

    monkeypatch.setattr(search, "COUNT_CAP", PER_KIND + 2)
    for serial in range(PER_KIND + 5):
        make_patent(300 + serial, title=f"一种封顶装置{serial}")
    client = login(make_user(Role.STAFF))
    response = client.get(URL, {"q": "封顶装置"})
    (group,) = response.context["groups"]
    assert group.total == PER_KIND + 3 and group.total_text == f"{PER_KIND + 2}+"
    assert f"专利 {PER_KIND + 2}+ 条" in response.content.decode()
