"""Staff and expert pages of the expert pool and its draws."""

import subprocess

import pytest
from django.urls import reverse

from experts.choices import MemberRole
from experts.models import Draw, DrawResponse, Expert, ExpertSpecialty, Review, Specialty
from kejiju.choices import Role, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = Specialty.objects.create(name="机械与制造")
    return Specialty.objects.create(name="汽车零部件", parent=root)


@pytest.fixture
def pool(tree, enterprise):
    experts = []
    for i in range(12):
        expert = Expert.objects.create(
            name=f"评审专家{i:02d}",
            employer="温州大学",
            title="senior",
            specialties="汽车零部件",
            mobile=f"1360000{i:04d}",
            email=f"expert{i}@wzu.edu.cn",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=tree)
        experts.append(expert)
    insider = experts[0]
    insider.employer_enterprise = enterprise
    insider.employer = enterprise.name
    insider.save()
    return experts


def post_draw(client, tree, enterprise, **extra):
    data = {
        "purpose": "enterprise_review",
        "subject": f"{enterprise.name} 高新技术企业认定申请",
        "step": "专家评审",
        "specialties": [tree.parent_id],
        "min_title": "associate",
        "main": "5",
        "backups": "2",
        "applicants": enterprise.credit_code,
        "named": "",
        "supervisor": "纪检组 陈监督",
        "void_reason": "",
    }
    data.update(extra)
    return client.post(reverse("experts:draw_add"), data)


def test_staff_draw_respond_replace_verify_and_print(login, users, tree, pool, enterprise):
    staff = login(users[Role.STAFF])
    response = post_draw(staff, tree, enterprise)
    record = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "experts:draw_detail", args=[record.pk]
    )
    page = staff.get(response["Location"]).content.decode()
    assert "现在或近三年在申报单位任职" in page and "评审专家00" in page  # the insider and why
    assert record.seed in page and record.pool_fingerprint in page

    first_main = record.members.get(role=MemberRole.MAIN, position=1)
    staff.post(
        reverse("experts:member_respond", args=[record.pk, first_main.pk]),
        {"kind": "declined", "reason": "出国访问"},
    )
    first_backup = record.members.get(role=MemberRole.BACKUP, position=1)
    assert first_backup.replacing.replaced == first_main
    page = staff.get(reverse("experts:draw_detail", args=[record.pk])).content.decode()
    assert f"由备选 {first_backup.expert.name} 递补" in page

    verified = staff.post(
        reverse("experts:draw_verify", args=[record.pk]), follow=True
    ).content.decode()
    assert "核验通过" in verified

    pdf = staff.get(reverse("experts:draw_pdf", args=[record.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "专家随机抽取记录" in text and "出国访问" in text and first_backup.expert.name in text
    assert record.seed[:32] in text.replace("\n", "")
    assert "现在或近三年在申报单位任职" in text and "通过" in text


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def test_a_draw_asking_too_much_shows_the_exclusions_and_writes_nothing(
    login, users, tree, pool, enterprise
):
    staff = login(users[Role.STAFF])
    response = post_draw(staff, tree, enterprise, main="11", backups="2")
    assert response.status_code == 200
    page = response.content.decode()
    assert "合格 11 人，不足所需的 13 人" in page
    assert "被回避排除的专家" in page and "评审专家00" in page
    assert not Draw.objects.exists()


def test_unknown_applicant_code_and_missing_supervisor_are_field_errors(
    login, users, tree, pool, enterprise
):
    staff = login(users[Role.STAFF])
    page = post_draw(
        staff, tree, enterprise, applicants="91330381000000000X", supervisor=""
    ).content.decode()
    assert "未找到统一社会信用代码为 91330381000000000X 的企业" in page
    assert "这个字段是必填项" in page or "必填" in page
    assert not Draw.objects.exists()


def test_drawn_expert_declares_then_scores_and_undrawn_expert_sees_nothing(
    login, users, make_user, tree, pool, enterprise
):
    staff = login(users[Role.STAFF])
    post_draw(staff, tree, enterprise)
    record = Draw.objects.get()
    member = record.members.get(role=MemberRole.MAIN, position=2)
    drawn = make_user(Role.EXPERT, username="drawn-expert", expert=member.expert)
    undrawn_expert = next(e for e in pool[1:] if e.pk not in record.main + record.backups)
    undrawn = make_user(Role.EXPERT, username="undrawn-expert", expert=undrawn_expert)

    client = login(drawn)
    assert record.subject in client.get(reverse("experts:my_reviews")).content.decode()
    url = reverse("experts:my_review", args=[member.pk])
    page = client.get(url).content.decode()
    assert "声明并接受评审" in page and "评分与意见" not in page
    page = client.post(url, {"declare": "1"}).content.decode()
    assert "须勾选无利益冲突声明后才能查看材料" in page
    client.post(url, {"declare": "1", "no_conflict": "on"})
    assert DrawResponse.objects.get(member=member).conflict_declared_none
    bad = client.post(
        url,
        {
            "score": "1",
            "score_0": "120",
            "score_1": "80",
            "score_2": "80",
            "score_3": "80",
            "score_4": "80",
            "comment": "同意",
        },
    ).content.decode()
    assert "得分应在 0–100 之间" in bad
    client.post(
        url,
        {
            "score": "1",
            "score_0": "90",
            "score_1": "80",
            "score_2": "85",
            "score_3": "75",
            "score_4": "70",
            "comment": "技术先进，建议通过。",
        },
    )
    assert Review.objects.get(member=member).total == 80

    other = login(undrawn)
    assert other.get(url).status_code == 404
    assert record.subject not in other.get(reverse("experts:my_reviews")).content.decode()


def test_expert_declines_online_and_the_backup_is_called(
    login, users, make_user, tree, pool, enterprise
):
    staff = login(users[Role.STAFF])
    post_draw(staff, tree, enterprise)
    record = Draw.objects.get()
    member = record.members.get(role=MemberRole.MAIN, position=1)
    client = login(make_user(Role.EXPERT, username="busy-expert", expert=member.expert))
    page = client.post(
        reverse("experts:my_review", args=[member.pk]), {"decline": "1"}
    ).content.decode()
    assert "请填写不能参加的原因" in page
    client.post(
        reverse("experts:my_review", args=[member.pk]), {"decline": "1", "reason": "外地出差"}
    )
    assert record.members.get(role=MemberRole.BACKUP, position=1).replacing.replaced == member


def test_personal_data_is_masked_except_for_the_pool_managers(login, make_user, pool):
    manager = login(make_user(Role.STAFF, username="pool-manager", section=Section.OFFICE))
    page = manager.get(reverse("experts:expert_list"), {"per_page": 100}).content.decode()
    assert "13600000003" in page and "expert3@wzu.edu.cn" in page
    other = login(make_user(Role.STAFF, username="seismic-clerk", section=Section.SEISMIC))
    page = other.get(reverse("experts:expert_list"), {"per_page": 100}).content.decode()
    assert "13600000003" not in page and "136****0003" in page
    assert "expert3@wzu.edu.cn" not in page and "e***@wzu.edu.cn" in page


def test_pool_pages_are_for_bureau_staff_only(login, users, pool):
    for role in (Role.ENTERPRISE, Role.LEADER, Role.AUDITOR, Role.EXPERT):
        client = login(users[role])
        assert client.get(reverse("experts:expert_list")).status_code == 403
        assert client.get(reverse("experts:draw_list")).status_code == 403


def test_pool_list_query_count_does_not_grow_with_page_size(login, users, tree):
    Expert.objects.bulk_create(
        Expert(
            name=f"专家{i}",
            employer="温州大学",
            title="senior",
            specialties="x",
            mobile=f"1350000{i:04d}",
        )
        for i in range(120)
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(users[Role.STAFF])
    counts = []
    for size in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("experts:expert_list"), {"per_page": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_staff_rate_an_expert_after_the_review_and_the_pool_shows_it(
    login, users, make_user, tree, pool, enterprise
):
    staff = login(users[Role.STAFF])
    post_draw(staff, tree, enterprise)
    record = Draw.objects.get()
    member = record.members.get(role=MemberRole.MAIN, position=3)
    rate_url = reverse("experts:member_rate", args=[record.pk, member.pk])
    page = staff.post(rate_url, {"timeliness": "5", "quality": "4"}, follow=True).content.decode()
    assert "专家提交评审意见后才能评价其履职情况" in page
    expert_client = login(make_user(Role.EXPERT, username="rated", expert=member.expert))
    url = reverse("experts:my_review", args=[member.pk])
    expert_client.post(url, {"declare": "1", "no_conflict": "on"})
    expert_client.post(
        url, {"score": "1", **{f"score_{i}": "80" for i in range(5)}, "comment": "同意"}
    )
    staff = login(users[Role.STAFF])  # the fixtures share one client
    page = staff.post(rate_url, {"timeliness": "9", "quality": "4"}, follow=True).content.decode()
    assert "及时性评分应为 1–5 分" in page
    staff.post(rate_url, {"timeliness": "5", "quality": "4"})
    assert member.rating.quality == 4
    page = staff.post(rate_url, {"timeliness": "1", "quality": "1"}, follow=True).content.decode()
    assert "已评价过" in page
    pool_page = staff.get(
        reverse("experts:expert_list"), {"q": member.expert.name}
    ).content.decode()
    assert "及时 5.0 · 质量 4.0" in pool_page


def test_pool_manager_invites_an_expert_who_sets_a_password_and_logs_in(
    client, login, make_user, pool, mailoutbox
):
    from kejiju.models import User

    expert = pool[5]
    manager = login(make_user(Role.STAFF, username="pool-manager", section=Section.OFFICE))
    page = manager.post(
        reverse("experts:expert_invite", args=[expert.pk]), follow=True
    ).content.decode()
    user = User.objects.get(expert=expert)
    assert (
        user.username == expert.mobile
        and user.role == Role.EXPERT
        and not user.has_usable_password()
    )
    assert "已为 评审专家05 开通账号" in page and "已开通" in page
    assert len(mailoutbox) == 1 and expert.email in mailoutbox[0].to
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/invitation/" in line)
    path = link.split("testserver", 1)[1]
    client.logout()
    form = client.get(path, follow=True)
    assert "设置登录密码" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    response = client.post(
        set_url, {"new_password1": "Pingshen-2026!", "new_password2": "Pingshen-2026!"}
    )
    assert response.status_code == 302
    from kejiju.models import AuditEvent

    assert AuditEvent.objects.filter(action="password_set", user=user).exists()
    logged_in = client.post(
        reverse("login"), {"username": expert.mobile, "password": "Pingshen-2026!"}
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == "/"
    client.logout()
    assert "邀请链接已失效" in client.get(path, follow=True).content.decode()  # used once


def test_only_pool_managers_invite(login, make_user, pool):
    other = login(make_user(Role.STAFF, username="seismic-clerk", section=Section.SEISMIC))
    assert other.post(reverse("experts:expert_invite", args=[pool[5].pk])).status_code == 403


def test_pool_list_in_pinyin_order_from_the_stored_keys_in_a_bounded_number_of_queries(
    login, users, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = ["王磊", "何平", "安然", "张伟", "李娜", "白雪"]
    employers = ["温州医科大学", "瑞安市人民医院", "温州大学", "安阳精工", "浙江大学", "北京大学"]
    Expert.objects.bulk_create(  # bulk_create skips save(): the keys are filled all the same
        Expert(name=name, employer=employer, title="senior", mobile=f"1350000{i:04d}")
        for i, (name, employer) in enumerate(zip(names[:3], employers[:3], strict=True))
    )
    for i, (name, employer) in enumerate(zip(names[3:], employers[3:], strict=True)):
        Expert.objects.create(
            name=name, employer=employer, title="senior", mobile=f"1360000{i:04d}"
        )
    assert Expert.objects.get(name="何平").name_pinyin == "he2 ping2"
    renamed = Expert.objects.get(name="白雪")
    renamed.name = "赵雪"
    renamed.save(update_fields=["name"])  # the key follows a partial save too
    assert Expert.objects.get(pk=renamed.pk).name_pinyin == "zhao4 xue3"

    client = login(users[Role.STAFF])
    url = reverse("experts:expert_list")
    # with the fixture's 测试专家 (ce4 shi4 …)
    by_name = ["安然", "测试专家", "何平", "李娜", "王磊", "张伟", "赵雪"]
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert [e.name for e in response.context["page"]] == by_name
    # no Python collation is called per comparison on SQLite: the list orders by stored keys
    listed = [q["sql"] for q in ctx.captured_queries if 'FROM "experts_expert"' in q["sql"]]
    assert listed and not any('"pinyin"' in sql for sql in listed)
    assert [e.name for e in client.get(url, {"sort": "-name"}).context["page"]] == by_name[::-1]
    by_employer = [
        "安阳精工",
        "北京大学",
        "瑞安市人民医院",
        "温州大学",
        "温州大学",
        "温州医科大学",
        "浙江大学",
    ]
    response = client.get(url, {"sort": "employer"})
    assert [e.employer for e in response.context["page"]] == by_employer

    Expert.objects.bulk_create(
        Expert(name=f"专家{i}", employer="温州大学", title="senior", mobile=f"1370000{i:04d}")
        for i in range(60)
    )
    with django_assert_max_num_queries(12):
        assert client.get(url, {"per_page": 100}).status_code == 200
