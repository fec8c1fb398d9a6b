"""Spreadsheet layout of the seismic app: ``seismic_activities`` 防震减灾活动."""

from import_export.fields import Field

from kejiju.imports import LayoutResource
from kejiju.imports.lookups import NameLookupWidget
from kejiju.imports.widgets import ChoiceWidget, DateWidget, IntegerWidget, TextWidget
from kejiju.models import Town

from .choices import ACTIVITY_KIND_ALIASES, THEME_DAY_ALIASES, ActivityKind, ThemeDay
from .models import SeismicActivity


class SeismicActivityResource(LayoutResource):
    layout = "seismic_activities"
    title = "防震减灾活动"
    required_columns = ("活动名称", "活动类型", "日期")
    column_aliases = {
        "活动名称": ("名称", "活动主题", "主题"),
        "活动类型": ("类型", "活动形式", "形式"),
        "日期": ("活动日期", "时间", "活动时间", "开展时间", "开展日期"),
        "地点": ("活动地点",),
        "所属镇街": ("镇街", "所属乡镇", "乡镇"),
        "参与人次": ("参与人数", "参加人数", "参加人次", "受众人数"),
        "发放资料(份)": ("发放资料", "发放宣传资料", "发放宣传资料(份)", "资料(份)"),
    }

    name = Field("name", "活动名称", widget=TextWidget())
    kind = Field(
        "kind", "活动类型", widget=ChoiceWidget(ActivityKind, aliases=ACTIVITY_KIND_ALIASES)
    )
    held_on = Field("held_on", "日期", widget=DateWidget())
    theme_day = Field(
        "theme_day",
        "主题日",
        widget=ChoiceWidget(ThemeDay, aliases=THEME_DAY_ALIASES),
    )
    place = Field("place", "地点", widget=TextWidget())
    town = Field("town_id", "所属镇街", widget=NameLookupWidget(Town, "镇街"))
    participants = Field("participants", "参与人次", widget=IntegerWidget(minimum=0))
    materials = Field("materials", "发放资料(份)", widget=IntegerWidget(minimum=0))

    class Meta:
        model = SeismicActivity
        import_id_fields = ("name", "held_on")
        fields = (
            "name",
            "kind",
            "held_on",
            "theme_day",
            "place",
            "town",
            "participants",
            "materials",
        )
        export_order = fields

    def prepare(self) -> None:
        self.fields["town"].widget.reset()
