from django import forms
from django.conf import settings

from .errors import SheetError
from .reading import check_name
from .registry import layout_choices


class UploadForm(forms.Form):
    layout = forms.ChoiceField(label="表格格式")
    file = forms.FileField(
        label="文件",
        help_text="Excel（.xlsx、.xls）、WPS、LibreOffice（.ods）表格，或 CSV / 制表符分隔的文本"
        "（UTF-8 / GB18030 编码）。表头上方的标题行、序号列、合计行会自动识别并跳过。",
    )
    sheet = forms.CharField(
        label="工作表",
        required=False,
        max_length=100,
        help_text="留空则自动选择（当前工作表或唯一含有列名的工作表）；"
        "工作簿中有多个数据工作表时请填写要导入的工作表名称。",
    )
    dry_run = forms.BooleanField(
        label="只校验，不写入", required=False, help_text="大文件可先校验一遍，确认无误后再导入。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = layout_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_name(upload.name)
        except SheetError as exc:
            raise forms.ValidationError(exc.message) from None
        limit = settings.KEJIJU_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {limit // (1024 * 1024)} MB 的上限。")
        return upload
