"""Projects and technology contracts from 2024 up to yesterday: each plan category's applications
(February–May) and approvals (July–November) at its 2023 pace, growing a little; 2024's
applications already on file in demo.py are approved in their turn. Contracts are registered
all year round (2024: from March on, after the first months in demo.py)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from enterprises.demo import ENTERPRISE_COUNT, credit_code
from enterprises.models import Enterprise
from kejiju.demo_recent import create_missing, grown, spread, years_until
from kejiju.models import PlanCategory, Town

from .choices import ContractType, ProjectStatus
from .demo import (
    BUYERS,
    CONTRACT_KINDS,
    CONTRACTS,
    PLAN,
    PRODUCTS,
    UNIVERSITIES,
    _date,
    _funding_mode,
    _undertaker,
    enterprise_name,
    split,
)
from .models import Project, TechContract

CONTRACT_SERIAL = 100_000


def _projects(until: date) -> None:
    categories = {c.code: c for c in PlanCategory.objects.filter(code__in=PLAN)}
    towns = list(Town.objects.order_by("order", "name"))
    by_code = dict(Enterprise.objects.values_list("credit_code", "pk"))
    enterprise_ids = {i: by_code.get(credit_code(i)) for i in range(ENTERPRISE_COUNT)}
    existing = {p.number: p for p in Project.objects.filter(applied_on__year__gte=2024)}
    new, approved_now = [], []
    for code, (prefix, years) in PLAN.items():
        if code not in categories or 2023 not in years:
            continue
        applied_2023, approved_2023, funding_2023 = years[2023]
        for year in years_until(until):
            rng = random.Random(f"recent-{code}-{year}")
            applied, approved = grown(applied_2023, year), grown(approved_2023, year)
            funding = grown(funding_2023, year) if funding_2023 else None
            grants = split(funding, approved, rng) if funding and approved else [None] * approved
            for number in range(1, applied + 1):
                unit, index, name = _undertaker(code, number, rng)
                applied_on, approved_on = _date(year, rng, (2, 5)), _date(year, rng, (7, 11))
                town = towns[rng.randrange(len(towns))] if towns else None
                key = f"{prefix}{year}{number:04d}"
                is_approved = number <= approved and approved_on <= until
                grant = grants[number - 1] if number <= approved else None
                project = existing.get(key)
                if project is not None:
                    if is_approved and project.approved_on is None:
                        project.status, project.approved_on = ProjectStatus.APPROVED, approved_on
                        project.funding = grant
                        project.funding_mode = _funding_mode(year) if grant else ""
                        approved_now.append(project)
                    continue
                if applied_on > until:
                    continue
                new.append(
                    Project(
                        number=key,
                        name=name,
                        category=categories[code],
                        undertaker=unit,
                        enterprise_id=enterprise_ids.get(index),
                        applied_on=applied_on,
                        status=ProjectStatus.APPROVED if is_approved else ProjectStatus.APPLIED,
                        approved_on=approved_on if is_approved else None,
                        funding=grant if is_approved else None,
                        funding_mode=_funding_mode(year) if is_approved and grant else "",
                        town=town,
                    )
                )
    create_missing(Project, new, key=lambda p: p.number)
    Project.objects.bulk_update(
        approved_now, ["status", "approved_on", "funding", "funding_mode"], batch_size=500
    )


def _contracts(until: date) -> list[TechContract]:
    count_2023, total_2023 = CONTRACTS[2023]
    result = []
    for year in years_until(until):
        rng = random.Random(f"recent-contracts-{year}")
        share = 10 / 12 if year == 2024 else 1
        count = round(grown(count_2023, year) * share)
        total = grown(total_2023, year) * share
        weights = [rng.lognormvariate(0, 1.1) for _ in range(count)]
        dates = spread(rng, year, count, (3, 1) if year == 2024 else (1, 1))
        for number, (weight, registered_on) in enumerate(zip(weights, dates, strict=True), 1):
            amount = Decimal(round(total * weight / sum(weights), 2)).quantize(Decimal("0.01"))
            kind = rng.choice(CONTRACT_KINDS)
            index = rng.randrange(ENTERPRISE_COUNT)
            seller = (
                rng.choice(UNIVERSITIES)
                if kind == ContractType.CONSULTING
                else enterprise_name(index)
            )
            name = f"{rng.choice(PRODUCTS)}{kind.label}合同"
            buyer = rng.choice(BUYERS)
            tech_share = Decimal(rng.uniform(0.6, 1))
            if registered_on > until:
                continue
            result.append(
                TechContract(
                    registration_no=f"{year}330381{CONTRACT_SERIAL + number:06d}",
                    name=name,
                    kind=kind,
                    seller=seller,
                    buyer=buyer,
                    amount=amount,
                    tech_amount=(amount * tech_share).quantize(Decimal("0.01")),
                    registered_on=registered_on,
                )
            )
    return result


def load(until: date) -> None:
    _projects(until)
    create_missing(TechContract, _contracts(until), key=lambda c: c.registration_no)
