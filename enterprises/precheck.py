"""Eligibility pre-checks of the enterprises' applications (DOMAIN.md §1, §2).

Every threshold and score band comes from a :class:`~enterprises.models.RuleSet` version, never
from a constant here. A pre-check lists each condition as met / not met with the numbers behind
it, the score (a range where the experts choose within a band: the best and the worst case) and
a verdict. Amounts are 万元; ratios are compared exactly (Decimal), rounded only for display.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from .choices import ApplicationKind, Verdict

HUNDRED = Decimal(100)


@dataclass
class Condition:
    key: str
    label: str
    met: bool | None  # None: cannot be decided before the experts score
    detail: str
    unverified: bool = False


@dataclass
class ScoreItem:
    key: str
    label: str
    low: int
    high: int
    maximum: int
    detail: str
    unverified: bool = False

    @property
    def text(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass
class Precheck:
    kind: str
    rule_version: str
    conditions: list[Condition] = field(default_factory=list)
    items: list[ScoreItem] = field(default_factory=list)
    verdict: str = Verdict.FAIL
    notes: list[str] = field(default_factory=list)

    @property
    def score_low(self) -> int:
        return sum(i.low for i in self.items)

    @property
    def score_high(self) -> int:
        return sum(i.high for i in self.items)

    @property
    def score_text(self) -> str:
        low, high = self.score_low, self.score_high
        return str(low) if low == high else f"{low}–{high}"

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(score_low=self.score_low, score_high=self.score_high)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Precheck | None:
        if not data:
            return None
        return cls(
            kind=data["kind"],
            rule_version=data["rule_version"],
            conditions=[Condition(**c) for c in data.get("conditions", [])],
            items=[ScoreItem(**i) for i in data.get("items", [])],
            verdict=data["verdict"],
            notes=data.get("notes", []),
        )


def dec(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return numerator / denominator * HUNDRED


def show(value: Decimal | None, unit: str = "%") -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.01'))}{unit}"


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.01'))}万元"


def band_score(value: Decimal | None, bands: list) -> int:
    """Score of the first band whose minimum ``value`` reaches: ``[[min, score], …]``."""
    if value is None:
        return 0
    for minimum, score in bands:
        if value >= Decimal(str(minimum)):
            return int(score)
    return 0


def band_range(value: Decimal | None, bands: list, *, last_strict: bool = False) -> tuple[int, int]:
    """Score range of the first band reached: ``[[min, low, high], …]``; the last band's minimum
    is exclusive when ``last_strict`` (the "> 0" band of growth)."""
    if value is None:
        return 0, 0
    for index, (minimum, low, high) in enumerate(bands):
        bound = Decimal(str(minimum))
        strict = last_strict and index == len(bands) - 1
        if value > bound or (not strict and value == bound):
            return int(low), int(high)
    return 0, 0


def years_present(figures: dict, prefix: str) -> list[Decimal]:
    """The 1–3 fiscal years given, earliest first (a younger enterprise has fewer)."""
    values = [dec(figures.get(f"{prefix}_{n}")) for n in (1, 2, 3)]
    return [v for v in values if v is not None]


def growth_rate(values: list[Decimal]) -> Decimal | None:
    """½(V₂/V₁ + V₃/V₂) − 1 as a percentage; with two years V₂/V₁ − 1; None when undefined."""
    if len(values) < 2 or any(v <= 0 for v in values[:-1]):
        return None
    ratios = [b / a for a, b in zip(values, values[1:], strict=False)]
    return (sum(ratios) / len(ratios) - 1) * HUNDRED


def decide(conditions: list[Condition]) -> str:
    if any(c.met is False for c in conditions):
        return Verdict.FAIL
    if any(c.met is None for c in conditions):
        return Verdict.UNCERTAIN
    return Verdict.PASS


# ---- 高新技术企业认定 ------------------------------------------------------------------------


def apply_scores(items: list[ScoreItem], scores: dict | None) -> None:
    """A reviewer's score for an item, within the item's band, replaces the range."""
    for item in items:
        given = (scores or {}).get(item.key)
        if given in (None, ""):
            continue
        value = min(max(int(given), item.low), item.high)
        item.low = item.high = value
        item.detail += f"；审核评分 {value}"


def hnte(
    figures: dict, rules, *, on: date, tech_fields: set[str], scores: dict | None = None
) -> Precheck:
    t = rules.thresholds
    result = Precheck(ApplicationKind.HNTE, rules.version)
    add = result.conditions.append

    registered = figures.get("registered_on")
    days = (on - date.fromisoformat(registered)).days if registered else None
    need_days = int(t["min_registered_days"])
    add(
        Condition(
            "registered",
            f"注册成立满 {need_days} 天",
            days is not None and days >= need_days,
            "未填写注册日期" if days is None else f"注册 {registered}，至 {on} 已 {days} 天",
        )
    )

    class1, class2 = int(figures.get("ip_class1") or 0), int(figures.get("ip_class2") or 0)
    owns = bool(figures.get("owns_ip")) and class1 + class2 > 0
    add(
        Condition(
            "ip",
            "拥有主要产品（服务）核心技术的知识产权所有权",
            owns,
            f"Ⅰ类知识产权 {class1} 件，Ⅱ类 {class2} 件"
            + ("" if figures.get("owns_ip") else "；未声明拥有所有权"),
        )
    )

    field_name = figures.get("tech_field") or ""
    add(
        Condition(
            "field",
            "技术属于国家重点支持的高新技术领域",
            field_name in tech_fields,
            field_name or "未选择技术领域",
        )
    )

    staff, st_staff = dec(figures.get("staff_total")), dec(figures.get("st_staff"))
    st_ratio = pct(st_staff or Decimal(0), staff) if staff else None
    need = Decimal(t["min_st_staff_ratio"])
    add(
        Condition(
            "st_staff",
            f"科技人员占职工总数比例 ≥ {need}%",
            st_ratio is not None and st_ratio >= need,
            f"科技人员 {st_staff or 0} 人 / 职工 {staff or 0} 人 = {show(st_ratio)}",
        )
    )

    sales, rd = years_present(figures, "sales"), years_present(figures, "rd")
    latest_sales = sales[-1] if sales else None
    need_rd = None
    if latest_sales is not None:
        for bound, ratio in t["rd_ratio_bands"]:
            if bound is None or latest_sales <= Decimal(bound):
                need_rd = Decimal(ratio)
                break
    rd_total, sales_total = sum(rd, Decimal(0)), sum(sales, Decimal(0))
    rd_ratio = pct(rd_total, sales_total)
    add(
        Condition(
            "rd_ratio",
            f"近 {len(sales) or 3} 个会计年度研发费用占销售收入比例 ≥ {show(need_rd)}"
            if need_rd is not None
            else "研发费用占销售收入比例达标",
            rd_ratio is not None and need_rd is not None and rd_ratio >= need_rd,
            f"研发费用 {money(rd_total)} / 销售收入 {money(sales_total)} = {show(rd_ratio)}"
            f"（最近一年销售收入 {money(latest_sales)}）",
        )
    )

    domestic = dec(figures.get("rd_domestic"))
    domestic_ratio = pct(domestic or Decimal(0), rd_total) if rd_total else None
    need = Decimal(t["min_rd_domestic_ratio"])
    add(
        Condition(
            "rd_domestic",
            f"境内研发费用占全部研发费用比例 ≥ {need}%",
            domestic_ratio is not None and domestic_ratio >= need,
            f"境内 {money(domestic)} / 全部 {money(rd_total)} = {show(domestic_ratio)}",
        )
    )

    revenue, hitech = dec(figures.get("total_revenue")), dec(figures.get("hitech_revenue"))
    hitech_ratio = pct(hitech or Decimal(0), revenue) if revenue else None
    need = Decimal(t["min_hitech_revenue_ratio"])
    add(
        Condition(
            "hitech_revenue",
            f"近一年高新技术产品（服务）收入占总收入比例 ≥ {need}%",
            hitech_ratio is not None and hitech_ratio >= need,
            f"{money(hitech)} / {money(revenue)} = {show(hitech_ratio)}",
        )
    )

    maximum = t["score_max"]
    self_ip = figures.get("ip_score")
    if class1 + class2 == 0:
        ip_range, ip_note = (0, 0), "无知识产权"
    elif self_ip not in (None, ""):
        ip_range, ip_note = (int(self_ip), int(self_ip)), "企业自评"
    else:
        ip_range, ip_note = (0, int(maximum["ip"])), "由专家评定，未自评"
    result.items.append(ScoreItem("ip", "知识产权", *ip_range, int(maximum["ip"]), ip_note))

    conversions = int(figures.get("conversions") or 0)
    years = max(len(sales), 1)
    average = Decimal(conversions) / years
    low, high = band_range(average, t["conversion_bands"])
    result.items.append(
        ScoreItem(
            "conversion",
            "科技成果转化能力",
            low,
            high,
            int(maximum["conversion"]),
            f"{years} 年转化 {conversions} 项，年均 {average.quantize(Decimal('0.01'))} 项",
        )
    )

    self_org = figures.get("org_score")
    org = (
        (int(self_org), int(self_org))
        if self_org not in (None, "")
        else (0, maximum["organisation"])
    )
    result.items.append(
        ScoreItem(
            "organisation",
            "研究开发组织管理水平",
            *org,
            int(maximum["organisation"]),
            "企业自评" if self_org not in (None, "") else "由专家评定，未自评",
        )
    )

    assets_growth = growth_rate(years_present(figures, "net_assets"))
    sales_growth = growth_rate(sales)
    unverified = rules.is_unverified("growth_bands")
    a_low, a_high = band_range(assets_growth, t["growth_bands"], last_strict=True)
    s_low, s_high = band_range(sales_growth, t["growth_bands"], last_strict=True)
    result.items.append(
        ScoreItem(
            "growth",
            "企业成长性",
            a_low + s_low,
            a_high + s_high,
            int(maximum["growth"]),
            f"净资产增长率 {show(assets_growth)}，销售收入增长率 {show(sales_growth)}",
            unverified,
        )
    )

    apply_scores(result.items, scores)
    need_score = Decimal(t["min_score_exclusive"])
    low, high = result.score_low, result.score_high
    add(
        Condition(
            "score",
            f"创新能力评价得分 > {need_score}",
            True if low > need_score else (False if high <= need_score else None),
            f"得分 {result.score_text}（最低 {low}，最高 {high}）",
        )
    )
    add(
        Condition(
            "no_incident",
            "申请前一年内未发生重大安全、重大质量事故或严重环境违法行为",
            bool(figures.get("no_incident")),
            "已声明" if figures.get("no_incident") else "未声明",
        )
    )
    result.verdict = decide(result.conditions)
    return result


# ---- 科技型中小企业评价 ----------------------------------------------------------------------


def tech_sme(figures: dict, rules) -> Precheck:
    t = rules.thresholds
    result = Precheck(ApplicationKind.TECH_SME, rules.version)
    add = result.conditions.append
    for key, label in (
        ("resident_taxed", "居民企业，实行查账征收"),
        ("not_restricted", "不属于限制类、淘汰类产业"),
        ("no_violation", "无重大安全、质量事故，无严重环境违法、失信行为"),
    ):
        add(
            Condition(
                key, label, bool(figures.get(key)), "已声明" if figures.get(key) else "未声明"
            )
        )

    staff, st_staff = dec(figures.get("staff_total")), dec(figures.get("st_staff"))
    sales, assets = dec(figures.get("sales")), dec(figures.get("assets"))
    rd, cost = dec(figures.get("rd")), dec(figures.get("cost_total"))
    add(
        Condition(
            "size",
            f"职工总数 ≤ {t['max_staff']} 人，销售收入 ≤ {money(dec(t['max_sales']))}，"
            f"资产总额 ≤ {money(dec(t['max_assets']))}",
            staff is not None
            and sales is not None
            and assets is not None
            and staff <= Decimal(t["max_staff"])
            and sales <= Decimal(t["max_sales"])
            and assets <= Decimal(t["max_assets"]),
            f"职工 {staff or 0} 人，销售收入 {money(sales)}，资产总额 {money(assets)}",
        )
    )

    st_ratio = pct(st_staff or Decimal(0), staff) if staff else None
    st_score = band_score(st_ratio, t["st_staff_bands"])
    result.items.append(
        ScoreItem(
            "st_staff",
            "科技人员",
            st_score,
            st_score,
            20,
            f"科技人员 {st_staff or 0} 人 / 职工 {staff or 0} 人 = {show(st_ratio)}",
        )
    )
    by_sales = pct(rd or Decimal(0), sales) if sales else None
    by_cost = pct(rd or Decimal(0), cost) if cost else None
    rd_score = max(
        band_score(by_sales, t["rd_sales_bands"]), band_score(by_cost, t["rd_cost_bands"])
    )
    result.items.append(
        ScoreItem(
            "rd",
            "研发投入（两种口径取高）",
            rd_score,
            rd_score,
            50,
            f"占销售收入 {show(by_sales)}，占成本费用总额 {show(by_cost)}",
        )
    )
    class1, class2 = int(figures.get("ip_class1") or 0), int(figures.get("ip_class2") or 0)
    ip_score = (
        int(t["ip_class1_score"])
        if class1 >= 1
        else band_score(Decimal(class2), t["ip_class2_scores"])
    )
    result.items.append(
        ScoreItem("ip", "知识产权", ip_score, ip_score, 30, f"Ⅰ类 {class1} 件，Ⅱ类 {class2} 件")
    )

    direct = [
        label
        for key, label in (
            ("has_hnte", "有效期内的高新技术企业"),
            ("national_award", "近五年获国家级科技奖励（前三名完成单位）"),
            ("provincial_rd", "拥有经认定的省部级以上研发机构"),
            ("led_standard", "近五年主导制定国际、国家或行业标准"),
        )
        if figures.get(key)
    ]
    need = Decimal(t["min_score"])
    if direct:
        add(
            Condition(
                "score",
                "评价得分（直接确认）",
                True,
                f"符合直接确认条件：{'、'.join(direct)}；得分 {result.score_text} 仅供参考",
            )
        )
    else:
        add(
            Condition(
                "score",
                f"综合评价得分 ≥ {need}",
                Decimal(result.score_low) >= need,
                f"得分 {result.score_text}",
            )
        )
        add(
            Condition(
                "st_score",
                "科技人员指标得分不为 0",
                st_score > 0,
                f"科技人员指标得分 {st_score}",
            )
        )
    result.verdict = decide(result.conditions)
    return result


# ---- 研发机构认定 -----------------------------------------------------------------------------


def rd_institution(figures: dict, rules) -> Precheck:
    t = rules.thresholds
    result = Precheck(ApplicationKind.RD_INSTITUTION, rules.version)
    add = result.conditions.append
    rows = [
        ("rd_staff", "min_rd_staff", "专职研发人员 ≥ {} 人", dec(figures.get("rd_staff")), " 人"),
        (
            "rd_ratio",
            "min_rd_ratio",
            "研发投入占销售收入比例 ≥ {}%",
            dec(figures.get("rd_ratio")),
            "%",
        ),
        (
            "equipment",
            "min_equipment",
            "研发仪器设备原值 ≥ {} 万元",
            dec(figures.get("equipment_value")),
            "万元",
        ),
        (
            "floor_area",
            "min_floor_area",
            "研发场所面积 ≥ {} 平方米",
            dec(figures.get("floor_area")),
            " 平方米",
        ),
    ]
    for key, threshold, label, value, unit in rows:
        need = Decimal(str(t[threshold]))
        add(
            Condition(
                key,
                label.format(t[threshold]),
                value is not None and value >= need,
                show(value, unit),
                rules.is_unverified(threshold),
            )
        )
    result.verdict = decide(result.conditions)
    return result


def score_bands(kind: str, figures: dict, rules, *, on: date) -> dict[str, tuple[int, int]]:
    """The range a reviewer may score each item in, before any score is entered."""
    check = run(kind, figures, rules, on=on)
    return {i.key: (i.low, i.high) for i in check.items}


def run(kind: str, figures: dict, rules, *, on: date, scores: dict | None = None) -> Precheck:
    if kind == ApplicationKind.HNTE:
        from kejiju.models import TechField

        fields = set(TechField.objects.values_list("name", flat=True))
        return hnte(figures, rules, on=on, tech_fields=fields, scores=scores)
    if kind == ApplicationKind.TECH_SME:
        return tech_sme(figures, rules)
    return rd_institution(figures, rules)
