"""Spreadsheet layout of the expert pool: ``experts`` 专家."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from import_export.fields import Field

from kejiju.imports import LayoutResource
from kejiju.imports.table import compact
from kejiju.imports.widgets import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    PhoneWidget,
    TextWidget,
    text,
)

from .choices import (
    EXPERT_STATUS_ALIASES,
    GENDER_ALIASES,
    TITLE_ALIASES,
    ExpertStatus,
    Gender,
    Title,
)
from .models import Expert, ExpertSpecialty, Specialty

SEPARATORS = re.compile(r"[；;、,，/\n]")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Where a specialty the catalogue does not know yet is filed by an import, for staff to move.
UNFILED = "待归类"


class MobileWidget(PhoneWidget):
    """A mobile number: NFKC, without spaces and dashes; one Excel stored as a number is the
    same 11 digits."""

    def clean(self, value, row=None, **kwargs):
        return unicodedata.normalize("NFKC", text(value)).replace(" ", "").replace("-", "")


def split_specialties(text: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


class ExpertResource(LayoutResource):
    layout = "experts"
    title = "专家"
    required_columns = ("姓名", "工作单位", "职称", "专业领域", "手机")
    column_aliases = {
        "姓名": ("专家姓名", "名字"),
        "工作单位": ("单位", "所在单位", "工作单位名称", "单位名称"),
        "职称": ("技术职称", "专业技术职称", "职称级别", "职称等级"),
        "专业领域": ("专业", "专业方向", "从事专业", "研究领域", "擅长领域", "领域"),
        "手机": ("手机号", "手机号码", "移动电话", "联系电话", "联系方式"),
        "出生年份": ("出生年",),
        "电子邮箱": ("邮箱", "email", "e-mail", "电子邮件"),
        "入库日期": ("入库时间", "聘任日期"),
    }

    name = Field("name", "姓名", widget=TextWidget())
    employer = Field("employer", "工作单位", widget=TextWidget())
    title_ = Field("title", "职称", widget=ChoiceWidget(Title, aliases=TITLE_ALIASES))
    specialties = Field("specialties", "专业领域", widget=TextWidget())
    mobile = Field("mobile", "手机", widget=MobileWidget())
    gender = Field("gender", "性别", widget=ChoiceWidget(Gender, aliases=GENDER_ALIASES))
    birth_year = Field("birth_year", "出生年份", widget=IntegerWidget(minimum=1920))
    email = Field("email", "电子邮箱", widget=TextWidget())
    status = Field(
        "status",
        "状态",
        widget=ChoiceWidget(
            ExpertStatus, default=ExpertStatus.ACTIVE, aliases=EXPERT_STATUS_ALIASES
        ),
    )
    entered_on = Field("entered_on", "入库日期", widget=DateWidget())

    class Meta:
        model = Expert
        import_id_fields = ("mobile",)
        fields = (
            "name",
            "employer",
            "title_",
            "specialties",
            "mobile",
            "gender",
            "birth_year",
            "email",
            "status",
            "entered_on",
        )
        export_order = fields

    def prepare(self) -> None:
        # Names compared as NFKC without spaces; a name under two disciplines links to the first.
        self.nodes: dict[str, int] = {}
        for pk, name in Specialty.objects.order_by("parent_id", "order", "pk").values_list(
            "pk", "name"
        ):
            self.nodes.setdefault(compact(name), pk)
        self.new_specialties: dict[str, str] = {}  # key → the name as first written

    def clean_values(self, values, raw, errors) -> None:
        mobile = values["mobile"]
        if not MOBILE.match(mobile):
            errors.add("手机", f"「{mobile}」不是 11 位手机号码")
        names = split_specialties(values["specialties"])
        for name in names:
            key = compact(name)
            if key not in self.nodes and key not in self.new_specialties:
                if len(name) > Specialty._meta.get_field("name").max_length:
                    errors.add("专业领域", f"专业领域「{name}」过长（不超过 50 个字符）")
                    continue
                self.new_specialties[key] = name
        values["specialties"] = "、".join(names)
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.add("电子邮箱", f"「{values['email']}」不是有效的电子邮箱")
        year = values.get("birth_year")
        if year and year > timezone.localdate().year - 18:
            errors.add("出生年份", f"出生年份 {year} 不合理")
        entered = values.get("entered_on")
        if entered and entered > timezone.localdate():
            errors.add("入库日期", "入库日期不能晚于今天")

    def finish(self, report, *, dry_run: bool) -> None:
        """Specialties the catalogue does not know are added under 待归类 (staff re-file them in
        the admin), then each expert is linked to the specialties their record names."""
        if self.new_specialties:
            names = "、".join(self.new_specialties.values())
            verb = "将新增" if dry_run else "已新增"
            report.notes.append(
                f"{verb}专业领域 {len(self.new_specialties)} 个（归入「{UNFILED}」，"
                f"可在后台“专业领域”中调整归类）：{names}"
            )
        if dry_run:
            return
        if self.new_specialties:
            unfiled, _ = Specialty.objects.get_or_create(
                name=UNFILED, parent=None, defaults={"order": 999}
            )
            for key, name in self.new_specialties.items():
                node = Specialty.objects.create(name=name, parent=unfiled)
                self.nodes[key] = node.pk
        self.link_specialties()

    def link_specialties(self) -> None:
        """Keeps each expert's links to the tree equal to the specialties their record names."""
        wanted = {
            (pk, self.nodes[compact(name)])
            for pk, text in Expert.objects.values_list("pk", "specialties")
            for name in split_specialties(text)
            if compact(name) in self.nodes
        }
        existing = set(ExpertSpecialty.objects.values_list("expert_id", "specialty_id"))
        ExpertSpecialty.objects.bulk_create(
            ExpertSpecialty(expert_id=e, specialty_id=s) for e, s in wanted - existing
        )
        stale = existing - wanted
        for expert_id, specialty_id in stale:
            ExpertSpecialty.objects.filter(expert_id=expert_id, specialty_id=specialty_id).delete()
