from django.db import models
from simple_history.models import HistoricalRecords

from .choices import ActivityKind, ThemeDay


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
