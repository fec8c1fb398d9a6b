"""The small things of daily use, each with the check that fails if it comes back: the name in
the header, the footer and the favicon, breadcrumbs, the empty choice, the pre-check's internal
notes, the real financial years, the import job's title, each section's to-do list, the demo
names, django-axes in Chinese, the demo expert's review task, and a core that knows no app."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kejiju.choices import Role, Section
from tests.access_world import make_account

pytestmark = pytest.mark.django_db


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def who(body: str) -> str:
    start = body.index('data-testid="who">') + len('data-testid="who">')
    return body[start : body.index("</span>", start)]


def test_the_header_names_a_person_and_the_role_once():
    auditor = make_account(Role.AUDITOR, "aud", first_name="安全审计员")
    assert who(page(auditor, reverse("audit_log"))) == "安全审计员"
    staff = make_account(Role.STAFF, "clerk", last_name="王", first_name="科员")
    assert who(page(staff, reverse("staff_home"))) == "王科员 · 局机关工作人员"


@override_settings(
    KEJIJU_SPONSOR="瑞安市科学技术局",
    KEJIJU_CONTACT="0577-66889900",
    KEJIJU_ICP_NUMBER="浙ICP备12345678号",
)
def test_the_footer_names_the_sponsor_contact_and_filing_number():
    body = Client().get(reverse("login")).content.decode()
    footer = body[body.index('data-testid="footer"') :]
    assert "主办单位：瑞安市科学技术局" in footer
    assert "0577-66889900" in footer
    assert "浙ICP备12345678号" in footer and 'href="https://beian.miit.gov.cn/"' in footer


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page():
    client = Client()
    root = client.get("/favicon.ico")
    assert root.status_code == 200
    assert b"".join(root.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    body = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/img/favicon.ico"' in body


def test_breadcrumbs_lead_back_to_the_list():
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code
    from kejiju.models import Town

    enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(8801), name="瑞安面包屑科技有限公司", town=Town.objects.first()
    )
    staff = make_account(Role.STAFF, "crumbs")
    body = page(staff, reverse("enterprises:detail", args=[enterprise.pk]))
    crumbs = body[body.index('data-testid="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert '<a href="/">首页</a>' in crumbs
    assert "企业" in crumbs and f'<a href="{reverse("enterprises:list")}">企业名录</a>' in crumbs
    listing = page(staff, reverse("enterprises:list"))
    assert 'aria-current="page">企业名录</li>' in listing
    assert 'data-testid="breadcrumbs"' not in page(staff, reverse("staff_home"))


def test_forms_offer_the_one_empty_choice_label():
    from django import forms

    from kejiju.forms import BootstrapMixin
    from kejiju.models import Town

    class Sample(BootstrapMixin, forms.Form):
        town = forms.ModelChoiceField(queryset=Town.objects.all())
        kind = forms.TypedChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)

    html = str(Sample())
    assert "---------" not in html
    assert html.count(f">{settings.KEJIJU_EMPTY_CHOICE_LABEL}</option>") == 2


def test_the_precheck_keeps_its_internal_notes_for_the_bureau():
    from enterprises.models import Enterprise
    from enterprises.tests.factories import hnte_post
    from kejiju.codes import make_credit_code
    from kejiju.models import Town
    from tests.access_world import hnte_applications

    enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(8802), name="瑞安预审科技有限公司", town=Town.objects.first()
    )
    owner = make_account(Role.ENTERPRISE, "pre-owner", enterprise=enterprise)
    client = Client()
    client.force_login(owner)
    response = client.post(
        reverse("enterprises:application_new", args=["hnte"]), {**hnte_post(), "precheck": "1"}
    )
    body = response.content.decode()
    assert "预审结果" in body
    assert "档次未经核实" not in body and "（未经核实）" not in body
    _, _, submitted = hnte_applications(enterprise=enterprise, by=owner)
    staff = make_account(Role.STAFF, "pre-staff")
    assert "（档次未经核实）" in page(
        staff, reverse("enterprises:application_detail", args=[submitted.pk])
    )


def test_financial_years_are_named_by_their_numbers():
    from enterprises.forms import HNTEForm
    from enterprises.tests.factories import hnte_post

    form = HNTEForm(hnte_post(year="2026"))
    labels = [field.label for field in form]
    assert "销售收入 2023年" in labels and "研发费用 2024年" in labels and "净资产 2025年" in labels
    assert "2025年总收入" in labels
    assert not [label for label in labels if "第一年" in label or "第二年" in label]
    assert not [label for label in labels if "最近一年" in label]
    blank = HNTEForm()
    year = timezone.localdate().year
    assert blank["sales_3"].label == f"销售收入 {year - 1}年"
    assert HNTEForm(hnte_post(year="abc"))["sales_3"].label  # a bad year keeps a label, no error


def test_a_checked_import_awaiting_confirmation_is_not_titled_check_only():
    from django.core.files.base import ContentFile

    from kejiju.imports.models import ImportJob

    staff = make_account(Role.STAFF, "importer")
    job = ImportJob(layout="patents", original_name="p.xlsx", user=staff, dry_run=True, total=1)
    job.file.save("p.xlsx", ContentFile(b""), save=False)
    job.state = ImportJob.State.SUCCEEDED
    job.save()
    body = page(staff, reverse("imports:job", args=[job.pk]))
    assert "仅校验" not in body and "已校验，尚未写入" in body
    assert "仅校验" not in page(staff, reverse("imports:upload"))


def test_each_section_gets_only_its_own_to_dos():
    from kejiju.models import Town
    from kejiju.worklist import items_for
    from seismic.models import ObservationPoint

    ObservationPoint.objects.create(
        code="T-01",
        name="测试观测点",
        kind="well",
        location="村口",
        town=Town.objects.first(),
        observer="王五",
    )
    seismic_clerk = make_account(Role.STAFF, "quake", section=Section.SEISMIC)
    ip_clerk = make_account(Role.STAFF, "ipclerk-t", section=Section.IP)
    high_tech = make_account(Role.STAFF, "hitech", section=Section.HIGH_TECH)
    seismic_labels = {i.label for i in items_for(seismic_clerk)}
    assert "观测月报缺报" in seismic_labels
    assert "观测月报缺报" not in {i.label for i in items_for(ip_clerk)}
    assert "观测月报缺报" not in {i.label for i in items_for(high_tech)}
    assert "观测月报缺报" not in page(ip_clerk, reverse("staff_home"))


def test_demo_accounts_with_a_title_for_a_name_are_not_split(tmp_path, monkeypatch):
    from kejiju import demo
    from kejiju.models import User

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.json")
    demo.load()
    admin = User.objects.get(username="admin")
    assert (admin.last_name, admin.first_name) == ("", "系统管理员")
    assert admin.get_full_name() == "系统管理员" and admin.get_short_name() == "系统管理员"
    staff = User.objects.get(username="staff")
    assert staff.get_full_name() == "王科员"
    # a database loaded before the fix is put right
    User.objects.filter(username="auditor").update(last_name="安", first_name="全审计员")
    demo.load()
    assert User.objects.get(username="auditor").get_short_name() == "安全审计员"
    assert User.objects.get(username="enterprise").enterprise.name == "瑞安华科智能装备有限公司"
    assert User.objects.get(username="expert").expert.name == "张专家"


def test_django_axes_reads_in_chinese_in_the_admin():
    from axes.models import AccessAttempt, AccessLog

    assert apps.get_app_config("axes").verbose_name == "登录失败与锁定"
    with translation.override("zh-hans"):
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录失败记录"
        assert str(AccessLog._meta.verbose_name_plural) == "登录日志"
        assert str(AccessAttempt._meta.get_field("username").verbose_name) == "用户名"


def test_the_demo_expert_gets_a_review_task_that_verifies():
    from enterprises.demo import demo_enterprise
    from experts import demo as expert_demo
    from experts import services as expert_services
    from experts.models import DrawMember
    from projects import demo as project_demo

    expert_demo.load()
    project_demo.load_calls_and_commissioners()
    make_account(Role.STAFF, "demo-staff", section=Section.HIGH_TECH)
    make_account(Role.ENTERPRISE, "demo-owner", enterprise=demo_enterprise())
    project = project_demo.load_review_task()
    assert project is not None and project.stage == "expert_review"
    member = DrawMember.objects.get(expert=expert_demo.demo_expert())
    assert member.role == "main" and member.draw_id == project.draw_id
    assert expert_services.verify(project.draw)[0]
    assert project_demo.load_review_task() is None  # once only
    expert_user = make_account(Role.EXPERT, "demo-expert", expert=expert_demo.demo_expert())
    assert project.name in page(expert_user, reverse("experts:my_reviews"))
    # drawn three days ago and unanswered: the expert's reminder is due on the demo day
    from experts.deadlines import place_not_answered

    due = [d for d in place_not_answered(timezone.localdate()) if expert_user.pk in d.recipients]
    assert [d.about for d in due] == [member]


APPS = ("enterprises", "experts", "patents", "projects", "seismic", "reports")


@pytest.mark.parametrize("module", ["kejiju/views.py", "kejiju/demo.py"])
def test_the_core_imports_no_app(module):
    tree = ast.parse((Path(settings.BASE_DIR) / module).read_text())
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & set(APPS)


def test_the_public_home_is_found_through_the_app_registry():
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert response.resolver_match.func.__name__ == "home"
    from kejiju.navigation import public_home

    assert public_home().__module__ == "projects.views"


def test_dates_on_pages_are_not_zero_padded():
    from patents.models import IPActivity

    IPActivity.objects.create(held_on=dt.date(2024, 4, 6), kind="training", title="培训")
    staff = make_account(Role.STAFF, "dates", section=Section.IP)
    body = page(staff, reverse("patents:activity_list"))
    assert "2024年4月6日" in body and "2024-04-06" not in body


def test_the_enterprise_page_imports_neither_patents_nor_projects():
    tree = ast.parse((Path(settings.BASE_DIR) / "enterprises/views.py").read_text())
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"patents", "projects"}
