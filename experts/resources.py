"""Spreadsheet layout of the expert pool: ``experts`` 专家."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from import_export.fields import Field

from kejiju.imports import LayoutResource
from kejiju.imports.widgets import ChoiceWidget, DateWidget, IntegerWidget, TextWidget

from .choices import ExpertStatus, Gender, Title
from .models import Expert, ExpertSpecialty, Specialty

SEPARATORS = re.compile(r"[；;、,，]")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def split_specialties(text: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


class ExpertResource(LayoutResource):
    layout = "experts"
    title = "专家"
    required_columns = ("姓名", "工作单位", "职称", "专业领域", "手机")

    name = Field("name", "姓名", widget=TextWidget())
    employer = Field("employer", "工作单位", widget=TextWidget())
    title_ = Field("title", "职称", widget=ChoiceWidget(Title))
    specialties = Field("specialties", "专业领域", widget=TextWidget())
    mobile = Field("mobile", "手机", widget=TextWidget())
    gender = Field("gender", "性别", widget=ChoiceWidget(Gender))
    birth_year = Field("birth_year", "出生年份", widget=IntegerWidget(minimum=1920))
    email = Field("email", "电子邮箱", widget=TextWidget())
    status = Field("status", "状态", widget=ChoiceWidget(ExpertStatus, default=ExpertStatus.ACTIVE))
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
        self.nodes = {s.name: s.pk for s in Specialty.objects.all()}

    def clean_values(self, values, raw, errors) -> None:
        mobile = unicodedata.normalize("NFKC", values["mobile"]).replace(" ", "").replace("-", "")
        if not MOBILE.match(mobile):
            errors.add("手机", f"「{values['mobile']}」不是 11 位手机号码")
        values["mobile"] = mobile
        names = split_specialties(values["specialties"])
        unknown = [n for n in names if n not in self.nodes]
        if unknown:
            errors.add(
                "专业领域", f"专业领域「{'、'.join(unknown)}」不在专业领域目录中（可在后台维护）"
            )
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

    def run(self, table, *, dry_run=False, user=None, progress=None):
        with transaction.atomic():
            report = super().run(table, dry_run=dry_run, user=user, progress=progress)
            if report.ok and not dry_run:
                self.link_specialties()
        return report

    def link_specialties(self) -> None:
        """Keeps each expert's links to the tree equal to the specialties their record names."""
        wanted = {
            (pk, self.nodes[name])
            for pk, text in Expert.objects.values_list("pk", "specialties")
            for name in split_specialties(text)
            if name in self.nodes
        }
        existing = set(ExpertSpecialty.objects.values_list("expert_id", "specialty_id"))
        ExpertSpecialty.objects.bulk_create(
            ExpertSpecialty(expert_id=e, specialty_id=s) for e, s in wanted - existing
        )
        stale = existing - wanted
        for expert_id, specialty_id in stale:
            ExpertSpecialty.objects.filter(expert_id=expert_id, specialty_id=specialty_id).delete()
