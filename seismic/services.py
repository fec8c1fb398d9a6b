"""Writes of the earthquake-safety records that touch several rows or need a rule checked first."""

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from .choices import SITE_STATUS_ORDER, ActivityKind
from .models import (
    ActivityPhoto,
    DemoSite,
    Drill,
    EmergencyPlan,
    MonthlyReport,
    ObservationPoint,
    SeismicActivity,
    SiteInspection,
)
from .querysets import first_of_month

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000


@transaction.atomic
def record_drill(
    *,
    plan: EmergencyPlan,
    held_on: date,
    name: str = "",
    place: str = "",
    town=None,
    participants: int = 0,
    materials: int = 0,
    evaluation: str = "",
) -> Drill:
    """Records a drill on ``plan`` and the 演练 activity it counts as."""
    version = plan.versions.in_force_on(held_on)
    if version is None:
        first = plan.versions.order_by("approved_on").first()
        message = (
            f"演练日期早于预案批准日期（{first.approved_on:%Y-%m-%d}）。"
            if first
            else "该预案尚无已批准的版本，不能登记演练。"
        )
        raise ValidationError({"held_on": message})
    activity = SeismicActivity(
        name=name or f"{plan.name}演练",
        kind=ActivityKind.DRILL,
        held_on=held_on,
        place=place,
        town=town,
        participants=participants,
        materials=materials,
    )
    activity.full_clean()
    activity.save()
    return Drill.objects.create(
        plan=plan, version=version, activity=activity, evaluation=evaluation
    )


@transaction.atomic
def submit_monthly_report(
    *,
    point: ObservationPoint,
    month: date,
    reported_on: date,
    anomaly: bool = False,
    description: str = "",
) -> tuple[MonthlyReport, bool]:
    """Stores a point's report for ``month``; a second report for that month updates the first
    (the change is kept in its history). Returns the report and whether it was new."""
    month = first_of_month(month)
    if reported_on < month:
        raise ValidationError({"reported_on": "报送日期不能早于所报月份。"})
    if anomaly and not description.strip():
        raise ValidationError({"description": "发现异常时须填写观测到的现象。"})
    report, created = MonthlyReport.objects.select_for_update().get_or_create(
        point=point,
        month=month,
        defaults={"reported_on": reported_on, "anomaly": anomaly, "description": description},
    )
    if not created:
        report.reported_on = reported_on
        report.anomaly = anomaly
        report.description = description
        if not anomaly:
            report.checked_on = None
        report.save()
    return report, created


def record_anomaly_check(
    *, report: MonthlyReport, checked_on: date, follow_up: str
) -> MonthlyReport:
    """Records the same-day check of an anomaly and what was done about it."""
    if not report.anomaly:
        raise ValidationError("该月报为零报告，无需核实。")
    if checked_on < report.reported_on:
        raise ValidationError({"checked_on": "核实日期不能早于报送日期。"})
    if not follow_up.strip():
        raise ValidationError({"follow_up": "请填写核实与处置情况。"})
    report.checked_on = checked_on
    report.follow_up = follow_up
    report.save(update_fields=["checked_on", "follow_up"])
    return report


@transaction.atomic
def inspect_site(
    *,
    site: DemoSite,
    inspected_on: date,
    inspectors: str,
    checklist: dict[str, bool],
    score,
    conclusion: str = "",
    promote_to: str = "",
    next_review_on: date | None = None,
) -> SiteInspection:
    """Records an inspection and, when it recognises the site at a higher level, promotes it one
    step (创建中 → 县级 → 省级 → 国家级)."""
    if inspected_on < site.applied_on:
        raise ValidationError({"inspected_on": "检查日期不能早于申请日期。"})
    inspection = SiteInspection(
        site=site,
        inspected_on=inspected_on,
        inspectors=inspectors,
        checklist=checklist,
        score=score,
        conclusion=conclusion,
    )
    inspection.full_clean()
    inspection.save()
    if promote_to:
        current = SITE_STATUS_ORDER.index(site.status)
        target = SITE_STATUS_ORDER.index(promote_to)
        if target != current + 1:
            raise ValidationError(
                {"promote_to": "创建等级只能逐级提升（创建中 → 县级 → 省级 → 国家级）。"}
            )
        site.status = promote_to
        site.recognized_on = inspected_on
    if next_review_on:
        site.next_review_on = next_review_on
    if promote_to or next_review_on:
        site.save()
    return inspection


def add_photo(*, activity: SeismicActivity, upload, caption: str = "") -> ActivityPhoto:
    """Checks that the upload really is an image by decoding it, and stores it re-encoded as JPEG
    under a generated name, so nothing but pixels from the upload is kept."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"image": "照片不能超过 10 MB。"})
    too_large = ValidationError(
        {
            "image": f"照片尺寸过大（超过 {MAX_PHOTO_PIXELS // 1_000_000} 百万像素），请缩小后再上传。"
        }
    )
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise too_large
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=85)
    except Image.DecompressionBombError as exc:
        # A few bytes that declare billions of pixels: refused before they are unpacked.
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            {"image": "上传的文件不是有效的图片（支持 JPEG、PNG 等常见格式）。"}
        ) from exc
    photo = ActivityPhoto(activity=activity, caption=caption)
    photo.image.save("photo.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return photo
