"""Patents of the county from 2024 up to yesterday: invention, utility-model and design filings
growing from their 2023 numbers, and grants of the inventions filed in the three years before."""

from __future__ import annotations

import random
from datetime import date

from enterprises.models import Enterprise
from kejiju.demo_recent import create_missing, grown, spread, years_until

from .choices import LegalStatus, PatentType
from .demo import (
    DESIGN_FILINGS,
    INVENTION_GRANTS,
    OTHER_APPLICANTS,
    UTILITY_FILINGS,
    _number,
    _title,
)
from .models import Patent

INVENTIONS_2023 = 1125
LINKED_SHARE = 0.65


def _filings(until: date, enterprises: list[tuple[int, str, str]]) -> list[Patent]:
    result = []
    plans = (
        (PatentType.INVENTION, INVENTIONS_2023),
        (PatentType.UTILITY, UTILITY_FILINGS[2023]),
        (PatentType.DESIGN, DESIGN_FILINGS[2023]),
    )
    for year in years_until(until):
        for kind, base in plans:
            rng = random.Random(f"patents-{kind}-{year}")
            for index, filed_on in enumerate(spread(rng, year, grown(base, year))):
                if enterprises and rng.random() < LINKED_SHARE:
                    enterprise_id, applicant, credit_code = rng.choice(enterprises)
                else:
                    enterprise_id, applicant, credit_code = None, rng.choice(OTHER_APPLICANTS), ""
                title = _title(rng, kind)
                if filed_on > until:
                    continue
                granted_on = None
                if kind != PatentType.INVENTION and rng.random() < 0.9:
                    granted = date.fromordinal(filed_on.toordinal() + 30 * rng.randint(3, 10))
                    granted_on = granted if granted <= until else None
                result.append(
                    Patent(
                        application_number=_number(year, kind, index),
                        kind=kind,
                        title=title,
                        applicants=applicant,
                        applicant_credit_code=credit_code,
                        enterprise_id=enterprise_id,
                        filed_on=filed_on,
                        granted_on=granted_on,
                        legal_status=LegalStatus.GRANTED if granted_on else LegalStatus.PENDING,
                    )
                )
    return result


def _grant_inventions(until: date) -> None:
    """Each year's invention grants, from the pending inventions of the three years before, as
    many as are due by ``until``; already granted ones count, so loading again adds nothing."""
    for year in years_until(until):
        rng = random.Random(f"invention-grants-{year}")
        dates = [
            d for d in spread(rng, year, grown(INVENTION_GRANTS[2023], year, 0.1)) if d <= until
        ]
        done = Patent.objects.inventions().granted_in(year).count()
        if len(dates) <= done:
            continue
        pool = list(
            Patent.objects.inventions()
            .filter(
                granted_on__isnull=True,
                legal_status=LegalStatus.PENDING,
                filed_on__year__in=[year - 3, year - 2, year - 1],
            )
            .order_by("application_number")
        )
        chosen = rng.sample(pool, min(len(pool), len(dates) - done))
        for patent, granted_on in zip(chosen, dates[done:], strict=False):
            patent.granted_on = granted_on
            patent.legal_status = LegalStatus.GRANTED
        Patent.objects.bulk_update(chosen, ["granted_on", "legal_status"])


def load(until: date) -> None:
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "name", "credit_code"))
    create_missing(Patent, _filings(until, enterprises), key=lambda p: p.application_number)
    _grant_inventions(until)
