"""The ``seismic_activities`` spreadsheet layout."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from seismic.models import SeismicActivity

pytestmark = pytest.mark.django_db

HEADER = "活动名称,活动类型,日期,主题日,地点,所属镇街,参与人次,发放资料(份)\n"


def write(tmp_path, body: str, encoding="utf-8"):
    path = tmp_path / "activities.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return str(path)


def run(path):
    try:
        call_command("import_sheet", "seismic_activities", path)
    except (CommandError, SystemExit) as exc:
        return exc
    return None


def test_import_creates_then_updates_by_name_and_date(tmp_path):
    path = write(
        tmp_path,
        '5·12防灾减灾日宣传,宣传,2024年5月12日,5·12,万松广场,安阳街道,"3,000",500\n'
        "应急演练,演练,2024/9/1,,实验小学,塘下镇,1200,0\n",
        encoding="gb18030",
    )
    assert run(path) is None
    publicity = SeismicActivity.objects.get(name="5·12防灾减灾日宣传")
    assert publicity.held_on == date(2024, 5, 12)
    assert publicity.theme_day == "0512" and publicity.town.name == "安阳街道"
    assert publicity.participants == 3000 and publicity.materials == 500
    assert SeismicActivity.objects.get(name="应急演练").kind == "drill"

    path = write(tmp_path, "5·12防灾减灾日宣传,宣传,2024-05-12,5·12,万松广场,安阳街道,3500,500\n")
    assert run(path) is None
    assert SeismicActivity.objects.count() == 2
    assert SeismicActivity.objects.get(name="5·12防灾减灾日宣传").participants == 3500


def test_a_bad_row_writes_nothing_and_names_row_and_column(tmp_path, capsys):
    good = "".join(f"宣传活动{n},宣传,2024-03-{n:02d},,,安阳街道,10,5\n" for n in range(1, 21))
    path = write(tmp_path, good + "坏行,游园,2024-13-01,,,火星镇,-5,很多\n")
    assert run(path) is not None
    assert not SeismicActivity.objects.exists()
    err = capsys.readouterr().err
    assert "第 22 行，列「活动类型」：「游园」不是可选的值" in err
    assert "第 22 行，列「日期」：无法识别的日期「2024-13-01」" in err
    assert "第 22 行，列「所属镇街」：未知的镇街「火星镇」" in err
    assert "第 22 行，列「参与人次」：不能小于 0" in err
    assert "第 22 行，列「发放资料(份)」：「很多」不是整数" in err


def test_missing_required_column_fails_the_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("活动名称,日期\n宣传,2024-01-01\n", encoding="utf-8")
    error = run(str(path))
    assert isinstance(error, CommandError)
    assert "缺少必填列：「活动类型」" in str(error)
    assert not SeismicActivity.objects.exists()
