"""The ``experts`` spreadsheet layout."""

import pytest
from django.core.management import call_command

from experts.models import Expert, ExpertSpecialty, Specialty

pytestmark = pytest.mark.django_db
HEADER = "姓名,工作单位,职称,专业领域,手机,性别,出生年份,电子邮箱,状态,入库日期\n"


@pytest.fixture
def tree():
    root = Specialty.objects.create(name="工业与制造")
    Specialty.objects.create(name="机械制造", parent=root)
    Specialty.objects.create(name="汽车零部件", parent=root)


def run(tmp_path, body):
    path = tmp_path / "experts.csv"
    path.write_text(HEADER + body, encoding="utf-8-sig")
    try:
        call_command("import_sheet", "experts", str(path))
    except SystemExit as exc:
        return exc.code
    return 0


def test_import_links_specialties_and_updates_by_mobile(tmp_path, tree):
    assert (
        run(
            tmp_path,
            "林建华,温州大学,正高级,机械制造；汽车零部件,139 0577 0001,男,1968,lin@wzu.edu.cn,,2023/3/1\n",
        )
        == 0
    )
    expert = Expert.objects.get(mobile="13905770001")
    assert expert.status == "active" and expert.title == "senior"
    assert set(
        ExpertSpecialty.objects.filter(expert=expert).values_list("specialty__name", flat=True)
    ) == {"机械制造", "汽车零部件"}
    assert (
        run(
            tmp_path, "林建华,浙江工业大学,正高级,汽车零部件,13905770001,男,1968,,暂停,2023-03-01\n"
        )
        == 0
    )
    expert.refresh_from_db()
    assert (
        Expert.objects.count() == 1
        and expert.employer == "浙江工业大学"
        and expert.status == "suspended"
    )
    assert list(
        ExpertSpecialty.objects.filter(expert=expert).values_list("specialty__name", flat=True)
    ) == ["汽车零部件"]


def test_bad_rows_write_nothing_and_are_named(tmp_path, tree, capsys):
    body = (
        "好专家,温州大学,副高级,机械制造,13905770002,女,1975,,,\n"
        "坏专家,温州大学,正高级,航天,1390577,男,2020,not-an-email,,2099-01-01\n"
        "另一位,温州大学,院士,机械制造,13905770003,男,1970,,,\n"
    )
    assert run(tmp_path, body) == 1
    assert not Expert.objects.exists()
    err = capsys.readouterr().err
    for message in (
        "第 4 行，列「职称」：「院士」不是可选的值",
        "第 3 行，列「手机」：「1390577」不是 11 位手机号码",
        "第 3 行，列「电子邮箱」",
        "第 3 行，列「出生年份」",
        "第 3 行，列「入库日期」：入库日期不能晚于今天",
    ):
        assert message in err
