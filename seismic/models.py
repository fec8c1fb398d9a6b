from datetime import timedelta

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import querysets
from .choices import (
    ActivityKind,
    Milestone,
    ObservationKind,
    SiteKind,
    SiteStatus,
    StationKind,
    StationStatus,
    ThemeDay,
)


class SeismicActivity(models.Model):
    """An earthquake-safety activity: publicity, drill, training, lecture or competition."""

    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=20, choices=ActivityKind.choices, db_index=True)
    held_on = models.DateField("日期", db_index=True)
    theme_day = models.CharField("主题日", max_length=10, choices=ThemeDay.choices, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seismic_activities",
    )
    participants = models.PositiveIntegerField("参与人次", default=0)
    materials = models.PositiveIntegerField("发放资料(份)", default=0)
    history = HistoricalRecords()

    objects = querysets.ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "防震减灾活动"
        verbose_name_plural = "防震减灾活动"
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "held_on"], name="seismic_activity_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.name}"


def activity_photo_path(instance, filename: str) -> str:
    # Server-generated names only: the uploaded name never reaches the file system.
    import uuid

    return f"seismic/photos/{instance.activity_id}/{uuid.uuid4().hex}.jpg"


class ActivityPhoto(models.Model):
    """A photo of an activity, kept for the year's records."""

    activity = models.ForeignKey(
        SeismicActivity, verbose_name="活动", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to=activity_photo_path)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.caption or f"照片 {self.pk}"


class EmergencyPlan(models.Model):
    """An earthquake emergency plan (地震应急预案) of the county; its text changes by versions."""

    name = models.CharField("预案名称", max_length=200, unique=True)
    scope = models.CharField("适用范围", max_length=300, blank=True)
    history = HistoricalRecords()

    objects = querysets.EmergencyPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "地震应急预案"
        verbose_name_plural = "地震应急预案"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """One approved version of an emergency plan; the latest approved one is in force."""

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name="预案", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField("版本", max_length=50)
    approved_on = models.DateField("批准日期")
    issuing_office = models.CharField("印发单位", max_length=200)
    document_no = models.CharField("文号", max_length=100, blank=True)
    document = models.FileField("预案文本", upload_to="seismic/plans/", blank=True)
    history = HistoricalRecords()

    objects = querysets.PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "预案版本"
        verbose_name_plural = "预案版本"
        ordering = ["plan", "-approved_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}（{self.version}）"


class Drill(models.Model):
    """An emergency drill (应急演练) on a plan; it is also counted as an activity of kind 演练."""

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name="预案", on_delete=models.PROTECT, related_name="drills"
    )
    version = models.ForeignKey(
        PlanVersion,
        verbose_name="演练时有效的版本",
        on_delete=models.PROTECT,
        related_name="drills",
    )
    activity = models.OneToOneField(
        SeismicActivity, verbose_name="活动记录", on_delete=models.PROTECT, related_name="drill"
    )
    evaluation = models.TextField("演练评估", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "应急演练"
        verbose_name_plural = "应急演练"
        ordering = ["-activity__held_on"]

    def __str__(self) -> str:
        return f"{self.activity.held_on} {self.plan}"


class DemoSite(models.Model):
    """A demonstration site: 地震安全示范社区 or 防震减灾科普示范学校/基地."""

    name = models.CharField("名称", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=20, choices=SiteKind.choices)
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        related_name="seismic_sites",
    )
    status = models.CharField(
        "创建等级", max_length=20, choices=SiteStatus.choices, default=SiteStatus.BUILDING
    )
    applied_on = models.DateField("申请日期")
    recognized_on = models.DateField("最近认定日期", null=True, blank=True)
    next_review_on = models.DateField("下次复核日期", null=True, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    history = HistoricalRecords()

    objects = querysets.DemoSiteQuerySet.as_manager()

    class Meta:
        verbose_name = "防震减灾示范点"
        verbose_name_plural = "防震减灾示范点"
        ordering = ["town", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recognized_on__isnull=True)
                | models.Q(recognized_on__gte=models.F("applied_on")),
                name="demo_site_recognized_after_applied",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def review_overdue(self) -> bool:
        """下次复核 has passed (the list and the to-do list flag it 复核逾期)."""
        return bool(self.next_review_on and self.next_review_on < timezone.localdate())

    @property
    def review_due(self) -> bool:
        """下次复核 is today or within ``REVIEW_NOTICE_DAYS`` days."""
        today = timezone.localdate()
        return bool(
            self.next_review_on
            and today <= self.next_review_on < today + timedelta(days=querysets.REVIEW_NOTICE_DAYS)
        )


class SiteInspection(models.Model):
    """An inspection of a demonstration site against the checklist, with its score."""

    site = models.ForeignKey(
        DemoSite, verbose_name="示范点", on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    checklist = models.JSONField("检查清单", default=dict)  # {item: true/false}
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    conclusion = models.TextField("检查结论", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "示范点检查"
        verbose_name_plural = "示范点检查"
        ordering = ["-inspected_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                name="inspection_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.inspected_on}"


class ObservationPoint(models.Model):
    """A macro observation point (宏观观测点) whose observer reports every month."""

    code = models.CharField("编号", max_length=30, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("观测类型", max_length=20, choices=ObservationKind.choices)
    location = models.CharField("位置", max_length=200)
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        related_name="observation_points",
    )
    observer = models.CharField("观测员", max_length=50)
    observer_phone = models.CharField("观测员电话", max_length=30, blank=True)
    active = models.BooleanField("在用", default=True)
    established_on = models.DateField("设立日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = querysets.ObservationPointQuerySet.as_manager()

    class Meta:
        verbose_name = "宏观观测点"
        verbose_name_plural = "宏观观测点"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MonthlyReport(models.Model):
    """A point's report for one month; a zero report (零报告) says nothing unusual was seen.

    One report per point and month: a second report for the same month updates this one."""

    point = models.ForeignKey(
        ObservationPoint, verbose_name="观测点", on_delete=models.CASCADE, related_name="reports"
    )
    month = models.DateField("月份", help_text="该月的第一天")
    anomaly = models.BooleanField("发现异常", default=False)
    description = models.TextField("观测情况", blank=True)
    reported_on = models.DateField("报送日期")
    checked_on = models.DateField("核实日期", null=True, blank=True)
    follow_up = models.TextField("核实与处置情况", blank=True)
    history = HistoricalRecords()

    objects = querysets.MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = "观测月报"
        verbose_name_plural = "观测月报"
        ordering = ["-month", "point"]
        constraints = [
            models.UniqueConstraint(fields=["point", "month"], name="monthly_report_one_per_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="monthly_report_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.month:%Y年%m月}"

    @property
    def is_zero_report(self) -> bool:
        return not self.anomaly

    @property
    def awaiting_check(self) -> bool:
        return self.anomaly and self.checked_on is None


class Assistant(models.Model):
    """A 防震减灾助理员 of a town."""

    name = models.CharField("姓名", max_length=50)
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        related_name="seismic_assistants",
    )
    phone = models.CharField("电话", max_length=30, blank=True)
    appointed_on = models.DateField("任职日期", null=True, blank=True)
    active = models.BooleanField("在任", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "防震减灾助理员"
        verbose_name_plural = "防震减灾助理员"
        ordering = ["town", "name"]

    def __str__(self) -> str:
        return f"{self.town} {self.name}"


class VolunteerTeam(models.Model):
    """A volunteer team for earthquake emergency and publicity work."""

    name = models.CharField("队伍名称", max_length=100, unique=True)
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    leader = models.CharField("负责人", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿者队伍"
        verbose_name_plural = "志愿者队伍"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A member of a volunteer team."""

    team = models.ForeignKey(
        VolunteerTeam, verbose_name="队伍", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("电话", max_length=30, blank=True)
    skills = models.CharField("专长", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["team", "name"]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """A seismic station (强震台 and others) and its construction or relocation plan."""

    code = models.CharField("台站代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=StationKind.choices)
    site = models.CharField("台址", max_length=200)
    status = models.CharField("状态", max_length=20, choices=StationStatus.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "地震台站"
        verbose_name_plural = "地震台站"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StationMilestone(models.Model):
    """A milestone of a station's construction or relocation, with its planned and done dates."""

    station = models.ForeignKey(
        Station, verbose_name="台站", on_delete=models.CASCADE, related_name="milestones"
    )
    stage = models.CharField("节点", max_length=20, choices=Milestone.choices)
    planned_on = models.DateField("计划日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "台站建设节点"
        verbose_name_plural = "台站建设节点"
        ordering = ["station", "planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["station", "stage"], name="station_milestone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.get_stage_display()}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.done_on is None and self.planned_on < timezone.localdate()
