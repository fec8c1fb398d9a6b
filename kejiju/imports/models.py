from django.conf import settings
from django.db import models
from django.utils import timezone

STALE_AFTER = timezone.timedelta(minutes=10)


class ImportJob(models.Model):
    """One spreadsheet upload and its import: the state lives here, so a job whose worker died
    can be seen and run again."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "执行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    layout = models.CharField("表格格式", max_length=40)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    sheet = models.CharField("工作表", max_length=100, blank=True)
    dry_run = models.BooleanField("仅校验", default=False)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已处理行数", default=0)
    created_rows = models.PositiveIntegerField("新增", default=0)
    updated_rows = models.PositiveIntegerField("更新", default=0)
    unchanged_rows = models.PositiveIntegerField("无变化", default=0)
    message = models.TextField("结果说明", blank=True)
    errors = models.JSONField("错误明细", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    preview = models.JSONField("预览", default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进度", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        app_label = "kejiju"
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.layout} {self.original_name}（{self.get_state_display()}）"

    @property
    def layout_title(self) -> str:
        """The layout as users know it: 企业名录, not ``enterprises``."""
        from .errors import SheetError
        from .registry import get_layout

        try:
            return get_layout(self.layout).title
        except SheetError:
            return self.layout

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def stale(self) -> bool:
        """Queued or running without progress for a while: its worker is gone."""
        if self.finished:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last is not None and timezone.now() - last > STALE_AFTER

    @property
    def can_rerun(self) -> bool:
        # A file refused for its rows fails the same way again: it needs a new upload.
        return (self.state == self.State.FAILED and not self.error_count) or self.stale

    @property
    def error_texts(self) -> list[str]:
        return [f"第 {e['row']} 行，列「{e['column']}」：{e['message']}" for e in self.errors]
