from django.db import models

from kejiju.choices import ReportSection


class NarrativeSection(models.TextChoices):
    """Where a staff-written paragraph goes in the summary: the overview, the six sections of the
    seed document, the problems met, then next year's plan."""

    OVERVIEW = "overview", "总体成效"
    REFORM = ReportSection.REFORM.value, ReportSection.REFORM.label
    ENTERPRISE = ReportSection.ENTERPRISE.value, ReportSection.ENTERPRISE.label
    IP = ReportSection.IP.value, ReportSection.IP.label
    COOPERATION = ReportSection.COOPERATION.value, ReportSection.COOPERATION.label
    AGRICULTURE = ReportSection.AGRICULTURE.value, ReportSection.AGRICULTURE.label
    SEISMIC = ReportSection.SEISMIC.value, ReportSection.SEISMIC.label
    PROBLEMS = "problems", "存在的问题"
    PLAN = "plan", "下一年度工作思路"


class RenderFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"


class RenderState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"
