"""The registry's recognitions from mid-2024 up to yesterday: 高新技术企业 (first recognitions and
the renewals of the certificates of three years before), 科技型中小企业, 市科技型企业 and R&D
institutions, each year at the dates the county's batches come out. 2024's first half is in
demo.py; here its later batches are completed towards the year's plan."""

from __future__ import annotations

import random
from datetime import date

from kejiju.choices import Level
from kejiju.demo_recent import create_missing, grown, years_until

from .choices import InstitutionType, QualificationType, RecognitionKind
from .demo import INSTITUTION_NAMES, enterprise_names, three_years_from
from .models import Enterprise, Qualification, RDInstitution

HNTE_BATCHES = ((11, 24), (12, 16))
# (kind, level, 2023 count, batch dates)
YEARLY = [
    (QualificationType.TECH_SME, Level.PROVINCIAL, 118, ((6, 18), (10, 26))),
    (QualificationType.TECH_ENTERPRISE, Level.CITY, 94, ((8, 30),)),
    (QualificationType.TOP100, Level.CITY, 22, ((4, 10),)),
    (QualificationType.PATENT_DEMO, Level.PROVINCIAL, 6, ((11, 15),)),
    (QualificationType.PATENT_DEMO, Level.CITY, 6, ((9, 1),)),
    (QualificationType.PATENT_DEMO, Level.COUNTY, 21, ((7, 1),)),
]
INSTITUTIONS = [
    (InstitutionType.TECH_CENTER, Level.CITY, 12, (9, 10)),
    (InstitutionType.HNTE_CENTER, Level.PROVINCIAL, 3, (12, 10)),
]
HNTE_FIRST_2023 = 30
# 2024's records already in demo.py, which this file completes
EXISTING_2024 = {"hnte": 6, QualificationType.TECH_SME: 10, QualificationType.TECH_ENTERPRISE: 8}
MINE = r"^GR[0-9]{4}339"  # the certificate numbers given here


def _qualification(enterprise_id, kind, level, on, *, renewal=False, until=None, number=""):
    return Qualification(
        enterprise_id=enterprise_id,
        kind=kind,
        level=level,
        recognition=RecognitionKind.RENEWAL if renewal else RecognitionKind.FIRST,
        recognized_on=on,
        valid_until=until,
        certificate_no=number,
    )


def _hnte(year: int, until: date, ids: list[int]) -> list[Qualification]:
    """Renewals of three years before and first recognitions; the choice depends only on the
    records of demo.py (never on what an earlier run added), so loading again adds nothing."""
    hnte = Qualification.objects.hnte().exclude(certificate_no__regex=MINE)
    holders = set(hnte.values_list("enterprise_id", flat=True))
    due = sorted(
        set(hnte.filter(recognized_on__year=year - 3).values_list("enterprise_id", flat=True))
        - set(hnte.filter(recognized_on__year=year).values_list("enterprise_id", flat=True))
    )
    renewing = random.Random(f"hnte-{year}").sample(due, round(len(due) * 0.75))
    fresh = [pk for pk in ids if pk not in holders]
    slices = {
        y: grown(HNTE_FIRST_2023, y) - EXISTING_2024["hnte"] * (y == 2024)
        for y in range(2024, year + 1)
    }
    start = sum(slices[y] for y in range(2024, year))
    firsts = fresh[start : start + slices[year]]
    result = []
    for pk in renewing + firsts:
        on = date(year, *HNTE_BATCHES[pk % 2])
        if on <= until:
            result.append(
                _qualification(
                    pk,
                    QualificationType.HNTE,
                    Level.NATIONAL,
                    on,
                    renewal=pk in renewing,
                    until=three_years_from(on),
                    number=f"GR{year}339{pk % 100000:05d}",
                )
            )
    return result


def _yearly(year: int, until: date, ids: list[int]) -> list[Qualification]:
    result = []
    for kind, level, base, dates in YEARLY:
        chosen = list(ids)
        random.Random(f"{kind}-{level}-{year}").shuffle(chosen)
        count = grown(base, year) - EXISTING_2024.get(kind, 0) * (year == 2024)
        for pk in chosen[:count]:
            on = date(year, *dates[pk % len(dates)])
            if on <= until:
                result.append(_qualification(pk, kind, level, on))
    return result


def _institutions(year: int, until: date, ids: list[int]) -> list[RDInstitution]:
    names = dict(zip(ids, (short for short, _, _ in enterprise_names()), strict=False))
    result = []
    for offset, (kind, level, count, (month, day)) in enumerate(INSTITUTIONS):
        first = 200 * offset + count * (year - 2024)
        for position, pk in enumerate(ids[::-1][first : first + count]):
            on = date(year, month, day + position)
            if on <= until:
                result.append(
                    RDInstitution(
                        enterprise_id=pk,
                        name=INSTITUTION_NAMES[kind, level].format(names.get(pk, "")),
                        kind=kind,
                        level=level,
                        recognized_on=on,
                    )
                )
    return result


def load(until: date) -> None:
    ids = list(Enterprise.objects.order_by("credit_code").values_list("pk", flat=True))
    if not ids:
        return
    for year in years_until(until):
        create_missing(
            Qualification,
            _hnte(year, until, ids) + _yearly(year, until, ids),
            key=lambda q: (q.enterprise_id, q.kind, q.level, q.recognized_on),
        )
        create_missing(
            RDInstitution,
            _institutions(year, until, ids),
            key=lambda r: (r.enterprise_id, r.kind, r.level, r.recognized_on),
        )
