from django import forms

from enterprises.models import Enterprise
from kejiju.codes import normalize_credit_code

from .choices import DrawPurpose, ResponseKind, Title
from .models import Expert, Specialty
from .services import Criteria

REVIEW_CRITERIA = ["技术先进性", "创新性", "可行性", "经济与社会效益", "团队与基础条件"]


class SpecialtyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DrawForm(forms.Form):
    purpose = forms.ChoiceField(label="抽取用途", choices=DrawPurpose.choices)
    subject = forms.CharField(
        label="评审对象", max_length=300, help_text="如：某公司 2024 年高新技术企业认定申请"
    )
    step = forms.CharField(label="评审环节", max_length=100, initial="专家评审")
    specialties = SpecialtyChoiceField(
        label="专业领域",
        queryset=Specialty.objects.select_related("parent").order_by(
            "parent__order", "order", "name"
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="选择一级领域即包含其下全部专业",
    )
    min_title = forms.ChoiceField(label="最低职称", choices=Title.choices, initial=Title.ASSOCIATE)
    main = forms.IntegerField(label="正选人数", min_value=1, max_value=25, initial=5)
    backups = forms.IntegerField(label="备选人数", min_value=0, max_value=25, initial=2)
    applicants = forms.CharField(
        label="需回避的申报单位",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个：统一社会信用代码或单位全称",
    )
    named = forms.CharField(
        label="申报单位申请回避的专家",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个：专家姓名，或姓名+手机号后四位（如 张三 1234）",
    )
    supervisor = forms.CharField(label="监督人", max_length=100)
    void_reason = forms.CharField(
        label="前次抽取作废原因",
        max_length=300,
        required=False,
        help_text="同一评审环节再次抽取时必填，前次抽取记录将保留",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select | forms.SelectMultiple)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)

    def clean_applicants(self):
        enterprises, names, unknown = [], [], []
        for line in self.cleaned_data["applicants"].splitlines():
            text = line.strip()
            if not text:
                continue
            code = normalize_credit_code(text)
            match = Enterprise.objects.filter(credit_code=code).first() if len(code) == 18 else None
            match = match or Enterprise.objects.filter(name=text).first()
            if match:
                enterprises.append(match)
            elif len(code) == 18 and code.isalnum():
                unknown.append(text)
            else:
                names.append(text)
        if unknown:
            raise forms.ValidationError(f"未找到统一社会信用代码为 {'、'.join(unknown)} 的企业。")
        self.applicant_names = names
        return enterprises

    def clean_named(self):
        experts = []
        for line in self.cleaned_data["named"].splitlines():
            parts = line.split()
            if not parts:
                continue
            queryset = Expert.objects.filter(name=parts[0])
            if len(parts) > 1:
                queryset = queryset.filter(mobile__endswith=parts[1])
            found = list(queryset[:2])
            if not found:
                raise forms.ValidationError(f"专家库中没有「{line.strip()}」。")
            if len(found) > 1:
                raise forms.ValidationError(f"「{line.strip()}」有重名，请加上手机号后四位。")
            experts.append(found[0])
        return experts

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            specialties=[s.pk for s in data["specialties"]],
            min_title=data["min_title"],
            main=data["main"],
            backups=data["backups"],
        )


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label="答复", choices=ResponseKind.choices)
    reason = forms.CharField(label="原因", max_length=300, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不能参加的原因",
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "请填写不能参加的原因。"},
    )


class DeclarationForm(forms.Form):
    no_conflict = forms.BooleanField(
        label="本人声明：与申报单位无任职、近亲属、合作、纠纷等利益关系，未参与申报材料编制，"
        "如有隐瞒愿承担相应责任。",
        error_messages={"required": "须勾选无利益冲突声明后才能查看材料。"},
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label="评审意见", widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, criterion in enumerate(REVIEW_CRITERIA):
            self.fields[f"score_{index}"] = forms.DecimalField(
                label=f"{criterion}（0–100）",
                min_value=0,
                max_value=100,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
                error_messages={
                    "min_value": "得分应在 0–100 之间。",
                    "max_value": "得分应在 0–100 之间。",
                    "invalid": "请输入数字。",
                },
            )

        self.fields["comment"] = self.fields.pop("comment")  # after the scores

    def scores(self) -> dict[str, float]:
        return {c: float(self.cleaned_data[f"score_{i}"]) for i, c in enumerate(REVIEW_CRITERIA)}
