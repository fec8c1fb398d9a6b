"""The ``projects``, ``tech_contracts`` and ``auction_deals`` spreadsheet layouts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kejiju.choices import Role
from projects.models import AuctionDeal, Project, TechContract

pytestmark = pytest.mark.django_db

PROJECT_HEADER = "项目编号,项目名称,计划类别,承担单位,统一社会信用代码,申报日期,状态,立项日期,资助金额(万元),资助方式,所属镇街\n"
CONTRACT_HEADER = (
    "合同登记号,合同名称,合同类型,卖方,买方,成交金额(万元),技术交易额(万元),登记日期\n"
)
AUCTION_HEADER = "成果名称,竞得企业,统一社会信用代码,成交金额(万元),成交日期,活动名称\n"


def write(tmp_path, header: str, body: str, encoding="utf-8"):
    path = tmp_path / "sheet.csv"
    path.write_bytes((header + body).encode(encoding))
    return str(path)


def run(layout, path):
    try:
        call_command("import_sheet", layout, path)
    except (CommandError, SystemExit) as exc:
        return exc
    return None


def test_projects_import_then_update_by_number(tmp_path, enterprise):
    body = (
        f"HJ2023-001,高效电机控制器研发,国家火炬计划,{enterprise.name},{enterprise.credit_code},"
        "2023/3/1,已立项,2023年6月1日,50,分期拨付,安阳街道\n"
        "GY2023-002,汽车零部件检测平台,industrial,瑞安某机械公司,,2023-04-01,已申报,,,,塘下镇\n"
    )
    assert run("projects", write(tmp_path, PROJECT_HEADER, body, encoding="gb18030")) is None
    torch = Project.objects.get(number="HJ2023-001")
    assert torch.category.code == "torch" and torch.enterprise == enterprise
    assert torch.approved_on == date(2023, 6, 1) and torch.funding == Decimal("50.00")
    assert (torch.status, torch.funding_mode, torch.town.name) == (
        "approved",
        "tranches",
        "安阳街道",
    )
    assert Project.objects.get(number="GY2023-002").category.code == "industrial"

    body = "GY2023-002,汽车零部件检测平台,一般工业科技项目,瑞安某机械公司,,2023-04-01,未立项,,,,塘下镇\n"
    assert run("projects", write(tmp_path, PROJECT_HEADER, body)) is None
    assert Project.objects.count() == 2
    assert Project.objects.get(number="GY2023-002").status == "rejected"
    # A re-import without the credit code keeps the link.
    assert Project.objects.get(number="HJ2023-001").enterprise == enterprise


def test_projects_bad_rows_write_nothing(tmp_path, capsys):
    good = "".join(
        f"GY-{n},项目{n},industrial,某公司,,2023-01-{n:02d},已申报,,,,安阳街道\n"
        for n in range(1, 11)
    )
    bad = (
        "GY-X,坏项目,火星计划,某公司,,2023-05-01,已立项,2023-04-01,-3,现金,火星镇\n"
        "GY-Y,缺立项日期,industrial,某公司,,2023-05-01,已验收,,10,,\n"
    )
    assert run("projects", write(tmp_path, PROJECT_HEADER, good + bad)) is not None
    assert not Project.objects.exists()
    err = capsys.readouterr().err
    assert "第 12 行，列「计划类别」：未知的计划类别「火星计划」" in err
    assert "第 12 行，列「资助金额(万元)」：金额不能为负数" in err
    assert "第 12 行，列「资助方式」：「现金」不是可选的值" in err
    assert "第 12 行，列「所属镇街」：未知的镇街「火星镇」" in err
    assert "第 13 行，列「立项日期」：状态为「已验收」时必须填写立项日期" in err


def test_projects_approval_before_application_is_a_row_error(tmp_path, capsys):
    body = "GY-1,项目,industrial,某公司,,2023-05-01,已立项,2023-04-01,10,事前资助,\n"
    assert run("projects", write(tmp_path, PROJECT_HEADER, body)) is not None
    assert "第 2 行，列「立项日期」：立项日期 2023-04-01 早于申报日期 2023-05-01" in (
        capsys.readouterr().err
    )
    assert not Project.objects.exists()


def test_projects_missing_required_column(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("项目编号,项目名称\nA,B\n", encoding="utf-8")
    error = run("projects", str(path))
    assert "缺少必填列：「计划类别」" in str(error)


def test_tech_contracts_import_update_and_limits(tmp_path, capsys):
    body = (
        "2023330301000001,智能控制系统开发,技术开发,瑞安甲公司,温州乙公司,120.5,100,2023-05-01\n"
        "2023330301000002,检测服务,技术服务,瑞安丙公司,温州丁公司,30,,2023/6/1\n"
    )
    assert run("tech_contracts", write(tmp_path, CONTRACT_HEADER, body)) is None
    contract = TechContract.objects.get(registration_no="2023330301000001")
    assert (contract.kind, contract.amount, contract.tech_amount) == (
        "development",
        Decimal("120.50"),
        Decimal("100.00"),
    )
    body = "2023330301000001,智能控制系统开发,技术开发,瑞安甲公司,温州乙公司,130,100,2023-05-01\n"
    assert run("tech_contracts", write(tmp_path, CONTRACT_HEADER, body)) is None
    assert TechContract.objects.count() == 2
    assert TechContract.objects.get(registration_no="2023330301000001").amount == 130

    body = (
        "2023330301000003,新合同,技术转让,甲,乙,50,20,2023-07-01\n"
        "2023330301000004,超额,技术转让,甲,乙,50,60,2023-07-01\n"
        "2023330301000005,负数,技术许可,甲,乙,-1,,2023-07-01\n"
        "2023330301000006,类型错,技术买卖,甲,乙,1,,2023-07-01\n"
    )
    assert run("tech_contracts", write(tmp_path, CONTRACT_HEADER, body)) is not None
    err = capsys.readouterr().err
    assert "第 3 行，列「技术交易额(万元)」：技术交易额 60.00 万元超过成交金额 50.00 万元" in err
    assert "第 4 行，列「成交金额(万元)」：金额不能为负数" in err
    assert "第 5 行，列「合同类型」：「技术买卖」不是可选的值" in err
    assert TechContract.objects.count() == 2  # row 2 was fine but nothing is written


def test_auction_deals_import_links_enterprise_and_refuses_bad_rows(tmp_path, enterprise, capsys):
    body = (
        f"一种高强度紧固件工艺,{enterprise.name},{enterprise.credit_code},88,2023-09-10,秋季成果竞价会\n"
        "节能注塑技术,瑞安某公司,,12.5,2023年9月10日,秋季成果竞价会\n"
    )
    assert run("auction_deals", write(tmp_path, AUCTION_HEADER, body)) is None
    deal = AuctionDeal.objects.get(achievement="一种高强度紧固件工艺")
    assert deal.enterprise == enterprise and deal.amount == 88
    body = "节能注塑技术,瑞安某公司,,15,2023-09-10,秋季成果竞价会\n"
    assert run("auction_deals", write(tmp_path, AUCTION_HEADER, body)) is None
    assert AuctionDeal.objects.count() == 2
    assert AuctionDeal.objects.get(achievement="节能注塑技术").amount == 15

    body = "新成果,某公司,,-5,2023-10-01,\n另一成果,,,5,2023-10-01,\n"
    assert run("auction_deals", write(tmp_path, AUCTION_HEADER, body)) is not None
    err = capsys.readouterr().err
    assert "第 2 行，列「成交金额(万元)」：金额不能为负数" in err
    assert "第 3 行，列「竞得企业」：必填，不能为空" in err
    assert AuctionDeal.objects.count() == 2


@pytest.mark.parametrize(
    ("model", "layout"),
    [("project", "projects"), ("techcontract", "tech_contracts"), ("auctiondeal", "auction_deals")],
)
def test_admin_offers_import_and_template(login, make_user, model, layout):
    client = login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    response = client.get(reverse(f"admin:projects_{model}_import_template"))
    assert response.status_code == 200
    response = client.get(reverse("imports:template", args=[layout]))
    assert response.status_code == 200


def test_export_writes_the_credit_code_and_escapes_formulas(tmp_path, enterprise):
    from projects.resources import AuctionDealResource

    body = f"=HYPERLINK(1),{enterprise.name},{enterprise.credit_code},8,2023-09-10,\n"
    assert run("auction_deals", write(tmp_path, AUCTION_HEADER, body)) is None
    exported = AuctionDealResource().export()
    assert exported.headers[:3] == ["成果名称", "竞得企业", "统一社会信用代码"]
    assert exported[0][0] == "'=HYPERLINK(1)" and exported[0][2] == enterprise.credit_code
