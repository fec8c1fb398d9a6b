"""Issue 7, Done when 3: the projects and technology-market indicators appear in the reports'
snapshot, whether the records came from the spreadsheets or from the online lifecycle."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects import services
from reports.services import compute_indicators

from .conftest import through_notice

pytestmark = pytest.mark.django_db


def snapshot_values(year: int) -> dict:
    snapshot = compute_indicators(year)
    return {v.key: v.value for v in snapshot.values.all()}


def test_imported_torch_projects_and_contracts_in_the_snapshot(tmp_path):
    rows = ["项目编号,项目名称,计划类别,承担单位,申报日期,状态,立项日期,资助金额(万元),资助方式"]
    for n in range(20):
        approved = n < 12
        rows.append(
            f"HJ2013-{n:03d},火炬项目{n},国家火炬计划,瑞安企业{n},2013-03-01,"
            + ("已立项,2013-09-01,5,事后补助" if approved else "未立项,,,")
        )
    projects = tmp_path / "projects.csv"
    projects.write_text("\n".join(rows) + "\n", encoding="utf-8")
    call_command("import_sheet", "projects", str(projects))
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        "合同登记号,合同名称,合同类型,卖方,买方,成交金额(万元),技术交易额(万元),登记日期\n"
        "2013330301000001,控制系统开发,技术开发,甲,乙,120,100,2013-05-01\n"
        "2013330301000002,检测服务,技术服务,丙,丁,30.5,,2013-06-01\n",
        encoding="utf-8",
    )
    call_command("import_sheet", "tech_contracts", str(contracts))
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "成果名称,竞得企业,成交金额(万元),成交日期\n成果一,甲公司,10,2013-09-10\n成果二,甲公司,5,2013-09-10\n",
        encoding="utf-8",
    )
    call_command("import_sheet", "auction_deals", str(deals))

    values = snapshot_values(2013)
    assert values["projects.torch.applied"] == 20
    assert values["projects.torch.approved"] == 12
    assert values["projects.torch.funding"] == Decimal("60")
    assert values["techmarket.turnover"] == Decimal("150.5")
    assert values["techmarket.contracts"] == 2
    assert values["auction.deals"] == 2 and values["auction.amount"] == 15
    assert values["auction.enterprises"] == 1


def test_lifecycle_projects_count_when_applied_and_approved(
    call, staff, reviewers, file_app, to_review
):
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    call.refresh_from_db()
    year = timezone.localdate().year
    values = snapshot_values(year)
    assert values["projects.industrial.applied"] == 1
    assert values["projects.industrial.approved"] == 0
    approval_day = dt.date(year, 12, 31)
    if approval_day <= call.notice_ends_on:
        approval_day = dt.date(year + 1, 1, 15)
    services.approve(
        project=project,
        number="GY-S-1",
        grant=Decimal("35"),
        funding_mode="upfront",
        by=staff,
        today=approval_day,
    )
    values = snapshot_values(approval_day.year)
    assert values["projects.industrial.approved"] == 1
    assert values["projects.industrial.funding"] == Decimal("35")
