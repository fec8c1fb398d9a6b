import json

from django.db import models
from simple_history.models import HistoricalRecords

from .choices import (
    DrawPurpose,
    ExclusionRule,
    ExpertStatus,
    Gender,
    MemberRole,
    RelationKind,
    ResponseKind,
    Title,
)
from .querysets import DrawExclusionQuerySet, DrawMemberQuerySet, ExpertQuerySet


class Expert(models.Model):
    """A member of the bureau's expert pool (专家库) who reviews applications and acceptances."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    employer = models.CharField("工作单位", max_length=200)
    employer_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="工作单位（企业）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
    )
    title = models.CharField("职称", max_length=20, choices=Title.choices)
    specialties = models.CharField("专业领域", max_length=300)
    mobile = models.CharField("手机", max_length=20, unique=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ExpertStatus.choices,
        default=ExpertStatus.ACTIVE,
        db_index=True,
    )
    entered_on = models.DateField("入库日期", null=True, blank=True)
    # the pinyin readings of 姓名 and 工作单位 (kejiju.collation.sort_key), kept on save: the list
    # orders by them
    name_pinyin = models.TextField("姓名拼音", blank=True, editable=False)
    employer_pinyin = models.TextField("工作单位拼音", blank=True, editable=False)
    objects = ExpertQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）"

    def save(self, *args, **kwargs):
        self.fill_sort_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "employer"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "employer_pinyin"}
        super().save(*args, **kwargs)

    def fill_sort_keys(self) -> None:
        from kejiju.collation import sort_key

        self.name_pinyin = sort_key(self.name)
        self.employer_pinyin = sort_key(self.employer)


class SpecialtyQuerySet(models.QuerySet):
    def in_tree_order(self) -> "SpecialtyQuerySet":
        """Each discipline (by its 排序, then in pinyin order) followed by its specialties
        (likewise): the order of a choice list of the tree."""
        from django.db.models.functions import Coalesce

        from kejiju.collation import Pinyin

        return self.select_related("parent").order_by(
            Coalesce("parent__order", "order"),
            Pinyin(Coalesce("parent__name", "name")),
            models.F("parent").asc(nulls_first=True),
            "order",
            Pinyin("name"),
        )


class Specialty(models.Model):
    """A node of the two-level specialty tree (专业领域): a discipline and its specialties."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级领域",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()
    objects = SpecialtyQuerySet.as_manager()

    class Meta:
        verbose_name = "专业领域"
        verbose_name_plural = "专业领域"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="specialty_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="specialty_unique_root",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "专业领域只有两级：上级领域本身不能再有上级。"})


class ExpertSpecialty(models.Model):
    """An expert's specialty, as a node of the tree."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="specialty_links")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="expert_links")

    class Meta:
        verbose_name = "专家专业领域"
        verbose_name_plural = "专家专业领域"
        constraints = [
            models.UniqueConstraint(fields=["expert", "specialty"], name="expert_specialty_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.specialty}"


class Relation(models.Model):
    """A relation an expert declared with an organisation, used to exclude them from draws."""

    expert = models.ForeignKey(
        Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="relations"
    )
    kind = models.CharField("关系类型", max_length=20, choices=RelationKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="相关企业",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expert_relations",
    )
    organisation = models.CharField("相关单位（未登记企业）", max_length=200, blank=True)
    started_on = models.DateField("开始日期", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="空白表示至今")
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "申报回避关系"
        verbose_name_plural = "申报回避关系"
        ordering = ["expert", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False) | ~models.Q(organisation=""),
                name="relation_names_a_party",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="relation_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} · {self.get_kind_display()} · {self.enterprise or self.organisation}"


class IdListField(models.TextField):
    """A list of ids stored as their decimal numbers joined by commas, e.g. ``"3,17,42"``.

    A draw's pool holds thousands of ids: as text it is written and read many times faster than
    as JSON, and stored ascending it is exactly the text the pool fingerprint is taken over.
    Records written before this field stored a JSON array and still read as one."""

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        value = value.strip()
        if value.startswith("["):
            return [int(i) for i in json.loads(value)]
        return [int(i) for i in value.split(",")] if value else []

    def get_prep_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return ",".join(map(str, map(int, value)))

    def value_to_string(self, obj) -> str:
        return self.get_prep_value(self.value_from_object(obj))


class DrawQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_bureau_staff:
            return self
        return self.none()


class Draw(models.Model):
    """An auditable random draw of experts. Append-only: once saved it never changes; responses
    and replacements are recorded as new rows, and a void draw stays on record beside its
    successor."""

    purpose = models.CharField("抽取用途", max_length=30, choices=DrawPurpose.choices)
    subject = models.CharField("评审对象", max_length=300)
    step = models.CharField(
        "评审环节", max_length=100, help_text="同一评审对象的同一环节只应有一个有效抽取"
    )
    applicants = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="需回避的申报单位",
        related_name="expert_draws",
        blank=True,
    )
    applicant_names = models.CharField("申报单位（文字）", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        "kejiju.User", verbose_name="抽取人", on_delete=models.PROTECT, related_name="expert_draws"
    )
    supervisor = models.CharField("监督人", max_length=100)
    created_at = models.DateTimeField("抽取时间", auto_now_add=True, db_index=True)
    criteria = models.JSONField("抽取条件")
    pool = IdListField("合格专家池（编号，升序，逗号分隔）")
    pool_fingerprint = models.CharField("专家池指纹（SHA-256）", max_length=64)
    method = models.CharField("抽取方法", max_length=200)
    seed = models.CharField("随机种子", max_length=64)
    main = models.JSONField("正选专家（按顺序）")
    backups = models.JSONField("备选专家（按顺序）")
    supersedes = models.OneToOneField(
        "self",
        verbose_name="作废的前次抽取",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    void_reason = models.CharField("前次抽取作废原因", max_length=300, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = "专家抽取"
        verbose_name_plural = "专家抽取"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.subject}（{self.step}）"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("抽取记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("抽取记录只能追加，不能删除。")

    @property
    def is_void(self) -> bool:
        return hasattr(self, "superseded_by")

    @property
    def min_title_label(self) -> str:
        return Title(self.criteria["min_title"]).label


class DrawExclusion(models.Model):
    """An expert left out of a draw's pool, with the rule that excluded them."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="exclusions")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField("回避规则", max_length=30, choices=ExclusionRule.choices)
    detail = models.CharField("说明", max_length=300, blank=True)

    objects = DrawExclusionQuerySet.as_manager()

    class Meta:
        verbose_name = "回避排除"
        verbose_name_plural = "回避排除"
        ordering = ["draw", "expert_id", "rule"]

    def __str__(self) -> str:
        return f"{self.expert.name}：{self.get_rule_display()}"


class DrawMember(models.Model):
    """A place on a draw's list: a main expert, a backup, or a backup who replaced a main one."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="draw_places")
    role = models.CharField("名单", max_length=10, choices=MemberRole.choices)
    position = models.PositiveSmallIntegerField("顺序")

    objects = DrawMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "抽取名单"
        verbose_name_plural = "抽取名单"
        ordering = ["draw", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "expert"], name="draw_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.position}：{self.expert.name}"

    def latest_response(self):
        responses = getattr(self, "_responses", None)
        if responses is None:
            responses = list(self.responses.all())
        return responses[-1] if responses else None


class Replacement(models.Model):
    """A main expert (or a backup already called) replaced by the next backup, in order."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="replacements")
    replaced = models.OneToOneField(
        DrawMember, on_delete=models.PROTECT, related_name="replacement"
    )
    backup = models.OneToOneField(DrawMember, on_delete=models.PROTECT, related_name="replacing")
    at = models.DateTimeField("递补时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        "kejiju.User", verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "递补记录"
        verbose_name_plural = "递补记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.backup.expert.name} 递补 {self.replaced.expert.name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("递补记录只能追加，不能修改。")
        super().save(*args, **kwargs)


class DrawResponse(models.Model):
    """An expert's answer to being drawn, recorded by staff or given online. Append-only."""

    member = models.ForeignKey(DrawMember, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField("答复", max_length=20, choices=ResponseKind.choices)
    reason = models.CharField("原因", max_length=300, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        "kejiju.User", verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    online = models.BooleanField("专家在线答复", default=False)
    conflict_declared_none = models.BooleanField("已声明无利益冲突", default=False)

    class Meta:
        verbose_name = "专家答复"
        verbose_name_plural = "专家答复"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.member.expert.name} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("答复记录只能追加，不能修改。")
        super().save(*args, **kwargs)


class Review(models.Model):
    """A drawn expert's review: the no-conflict declaration, scores per criterion and comments."""

    member = models.OneToOneField(DrawMember, on_delete=models.PROTECT, related_name="review")
    conflict_declared_at = models.DateTimeField("声明无利益冲突时间")
    scores = models.JSONField("分项得分", default=dict)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "专家评审"
        verbose_name_plural = "专家评审"
        ordering = ["member"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True)
                | (models.Q(total__gte=0) & models.Q(total__lte=100)),
                name="review_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.expert.name} 的评审"


class Rating(models.Model):
    """Staff's rating of an expert's work on one review: timeliness and quality, 1–5."""

    member = models.OneToOneField(DrawMember, on_delete=models.PROTECT, related_name="rating")
    timeliness = models.PositiveSmallIntegerField("及时性")
    quality = models.PositiveSmallIntegerField("评审质量")
    note = models.CharField("说明", max_length=300, blank=True)
    rated_by = models.ForeignKey(
        "kejiju.User", verbose_name="评价人", on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "专家履职评价"
        verbose_name_plural = "专家履职评价"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    timeliness__gte=1, timeliness__lte=5, quality__gte=1, quality__lte=5
                ),
                name="rating_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.expert.name} 及时性 {self.timeliness} 质量 {self.quality}"


class DrawPolicyQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return (
            self.filter(effective_from__lte=day)
            .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day))
            .order_by("-effective_from")
            .first()
        )


class DrawPolicy(models.Model):
    """The avoidance, frequency and panel-size rules of draws, as data with a validity period, so
    that a change of policy is an edit in the admin and old draws keep the rules of their day."""

    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    relation_years = models.PositiveSmallIntegerField("任职、合作、纠纷的回避年限", default=3)
    named_cap = models.PositiveSmallIntegerField("申报单位可申请回避的专家人数上限", default=3)
    same_applicant_years = models.PositiveSmallIntegerField(
        "同一单位的重复评审间隔（年，0 为不限）", default=1
    )
    max_draws_per_year = models.PositiveSmallIntegerField(
        "每位专家每年最多被抽取次数（0 为不限）", default=12
    )
    panel_min = models.PositiveSmallIntegerField("一般评审正选专家最少人数", default=3)
    panel_min_major = models.PositiveSmallIntegerField(
        "高新技术企业及重大项目评审最少人数（须为奇数）", default=5
    )
    basis = models.CharField("依据", max_length=300, blank=True)
    history = HistoricalRecords()

    objects = DrawPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "抽取规则"
        verbose_name_plural = "抽取规则"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="draw_policy_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(panel_min__gte=1), name="draw_policy_panel_min_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"抽取规则（{self.effective_from} 起）"

    def as_record(self) -> dict:
        return {
            name: getattr(self, name)
            for name in (
                "relation_years",
                "named_cap",
                "same_applicant_years",
                "max_draws_per_year",
                "panel_min",
                "panel_min_major",
            )
        }
