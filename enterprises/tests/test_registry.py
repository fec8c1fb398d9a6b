"""Enterprise validation and the ``enterprises``, ``qualifications``, ``rd_institutions`` layouts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from enterprises.models import (
    Enterprise,
    InnovationPlatform,
    PlatformMembership,
    Qualification,
    RDInstitution,
)
from kejiju.codes import make_credit_code

pytestmark = pytest.mark.django_db

GOOD = make_credit_code(101)
BAD = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def test_wrong_check_character_names_the_expected_one(town):
    firm = Enterprise(credit_code=BAD, name="甲", town=town)
    with pytest.raises(ValidationError) as exc:
        firm.full_clean()
    assert f"应为 {GOOD[-1]}" in exc.value.message_dict["credit_code"][0]


def test_staff_override_with_reason_accepts_a_legacy_code(town):
    firm = Enterprise(credit_code=BAD, name="甲", town=town, credit_code_override="早期试点代码")
    firm.full_clean()


def test_override_does_not_accept_a_code_of_wrong_length(town):
    firm = Enterprise(credit_code="123", name="甲", town=town, credit_code_override="试点")
    with pytest.raises(ValidationError):
        firm.full_clean()


def test_future_founding_date_is_refused(town):
    firm = Enterprise(
        credit_code=GOOD, name="甲", town=town, founded_on=timezone.localdate() + timedelta(1)
    )
    with pytest.raises(ValidationError) as exc:
        firm.full_clean()
    assert "成立日期不能晚于今天" in exc.value.message_dict["founded_on"]


def test_database_refuses_qualification_valid_until_before_recognition(enterprise):
    with pytest.raises(IntegrityError), transaction.atomic():
        Qualification.objects.create(
            enterprise=enterprise,
            kind="hnte",
            level="national",
            recognized_on=date(2023, 5, 1),
            valid_until=date(2022, 5, 1),
        )


def test_alliance_members_and_history(enterprise, other_enterprise):
    alliance = InnovationPlatform.objects.create(
        kind="alliance", name="瑞安汽摩配产业技术创新联盟", operator=enterprise
    )
    PlatformMembership.objects.create(platform=alliance, enterprise=other_enterprise)
    PlatformMembership.objects.create(platform=alliance, enterprise=enterprise)
    assert set(alliance.members.all()) == {enterprise, other_enterprise}
    alliance.level = "city"
    alliance.save()
    assert alliance.history.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        InnovationPlatform.objects.create(
            kind="incubator",
            name="孵化器",
            recognized_on=date(2023, 1, 2),
            closed_on=date(2022, 1, 1),
        )


# ---- layouts -------------------------------------------------------------------------------

ENT_HEADER = "统一社会信用代码,企业名称,所属镇街,行业类别,技术领域,成立日期,注册资本(万元),从业人数,联系人,联系电话\n"


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(layout, path):
    try:
        call_command("import_sheet", layout, path)
    except (CommandError, SystemExit) as exc:
        return exc
    return None


def test_enterprises_import_creates_then_updates_by_code(tmp_path):
    path = write(
        tmp_path,
        "e.csv",
        ENT_HEADER
        + f"{GOOD},瑞安甲科技有限公司,安阳街道,制造业,新材料,2015/3/1,500,120,张三,13800000000\n"
        + f"{make_credit_code(102)},瑞安乙有限公司,塘下镇,,,2020年1月2日,,,,\n",
    )
    assert run("enterprises", path) is None
    firm = Enterprise.objects.get(credit_code=GOOD)
    assert firm.tech_field.name == "新材料" and firm.staff_count == 120
    assert str(firm.registered_capital) == "500.00"
    path = write(
        tmp_path, "e2.csv", ENT_HEADER + f"{GOOD},瑞安甲科技股份有限公司,安阳街道,,,,,130,,\n"
    )
    assert run("enterprises", path) is None
    assert Enterprise.objects.count() == 2
    firm.refresh_from_db()
    assert firm.name == "瑞安甲科技股份有限公司" and firm.staff_count == 130
    assert firm.history.count() == 2


def test_enterprises_bad_row_writes_nothing(tmp_path, capsys):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    good = "".join(f"{make_credit_code(200 + n)},企业{n},安阳街道,,,,,,,\n" for n in range(1, 6))
    path = write(
        tmp_path,
        "e.csv",
        ENT_HEADER
        + good
        + f"{make_credit_code(300)},坏企业,火星镇,,,,-5,很多,,\n"
        + f"{BAD},坏代码,安阳街道,,,{future},,,,\n",
    )
    assert run("enterprises", path) is not None
    assert not Enterprise.objects.exists()
    err = capsys.readouterr().err
    assert (
        f"第 8 行，列「统一社会信用代码」：统一社会信用代码校验位不正确（应为 {GOOD[-1]}）" in err
    )
    assert "第 8 行，列「成立日期」：成立日期不能晚于今天" in err
    assert "第 7 行，列「所属镇街」：未知的镇街「火星镇」" in err
    assert "第 7 行，列「注册资本(万元)」：金额不能为负数" in err
    assert "第 7 行，列「从业人数」：「很多」不是整数" in err


def test_enterprises_reimport_keeps_an_accepted_legacy_code(tmp_path, town):
    Enterprise.objects.create(
        credit_code=BAD, name="老企业", town=town, credit_code_override="早期试点代码"
    )
    path = write(tmp_path, "e.csv", ENT_HEADER + f"{BAD},老企业,安阳街道,,,,,50,,\n")
    assert run("enterprises", path) is None
    assert Enterprise.objects.get(credit_code=BAD).staff_count == 50


QUAL_HEADER = "统一社会信用代码,企业名称,资质类型,级别,认定类型,证书编号,认定日期,有效期至\n"


def test_qualifications_import_matches_by_code_and_updates(tmp_path, enterprise):
    code = enterprise.credit_code
    path = write(
        tmp_path,
        "q.csv",
        QUAL_HEADER
        + f"{code},{enterprise.name},高新技术企业,国家级,首次认定,GR2023,2023-12-08,2026-12-07\n"
        + f"{code},,科技型中小企业,省级,,,2023/6/1,\n",
    )
    assert run("qualifications", path) is None
    assert Qualification.objects.count() == 2
    path = write(
        tmp_path,
        "q2.csv",
        QUAL_HEADER + f"{code},,高新技术企业,国家级,重新认定,GR2023-1,2023-12-08,2026-12-07\n",
    )
    assert run("qualifications", path) is None
    assert Qualification.objects.count() == 2
    hnte = Qualification.objects.get(kind="hnte")
    assert hnte.recognition == "renewal" and hnte.certificate_no == "GR2023-1"


def test_qualifications_row_errors(tmp_path, capsys, enterprise):
    code = enterprise.credit_code
    unknown = make_credit_code(7777)
    path = write(
        tmp_path,
        "q.csv",
        QUAL_HEADER
        + f"{code},,高新技术企业,国家级,,,2023-12-08,2026-12-07\n"
        + f"{unknown},,高新技术企业,国家级,,,2023-12-08,\n"
        + f"{code},别的名字,科技型中小企业,省级,,,2023-12-08,2022-01-01\n",
    )
    assert run("qualifications", path) is not None
    assert not Qualification.objects.exists()
    err = capsys.readouterr().err
    assert f"第 3 行，列「统一社会信用代码」：企业名录中没有统一社会信用代码为 {unknown}" in err
    assert "第 4 行，列「企业名称」：与企业名录中该代码的企业名称" in err


def test_rd_institutions_import(tmp_path, capsys, enterprise):
    header = "统一社会信用代码,机构名称,机构类型,级别,认定日期\n"
    code = enterprise.credit_code
    path = write(tmp_path, "r.csv", header + f"{code},测试企业研究院,企业研究院,省级,2023-03-01\n")
    assert run("rd_institutions", path) is None
    path = write(
        tmp_path, "r.csv", header + f"{code},测试企业研究院,重点企业研究院,省级,2024-03-01\n"
    )
    assert run("rd_institutions", path) is None
    inst = RDInstitution.objects.get()
    assert inst.kind == "key_institute" and inst.recognized_on == date(2024, 3, 1)
    path = write(tmp_path, "r.csv", header + f"{code},另一研究院,研究所,省级,2024-03-01\n")
    assert run("rd_institutions", path) is not None
    assert "第 2 行，列「机构类型」：「研究所」不是可选的值" in capsys.readouterr().err
