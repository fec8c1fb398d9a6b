from django import forms
from django.conf import settings

from .errors import SheetError
from .reading import check_name
from .registry import layout_choices


class UploadForm(forms.Form):
    layout = forms.ChoiceField(label="表格格式")
    file = forms.FileField(label="文件", help_text="Excel（.xlsx）或 CSV（UTF-8 / GB18030 编码）")
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
