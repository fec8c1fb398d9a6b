"""Experts joining the pool from mid-2024 up to yesterday, about forty a year."""

from __future__ import annotations

import random
from datetime import date

from kejiju.demo_recent import create_missing, spread, years_until

from .choices import ExpertStatus, Gender
from .demo import EMPLOYERS, GIVEN_FEMALE, GIVEN_MALE, SPECIALTIES, SURNAMES, TITLES
from .models import Expert

PER_YEAR = 40
FIRST_MOBILE = 13_700_000_000


def load(until: date) -> None:
    rows = []
    for year in years_until(until):
        rng = random.Random(f"experts-{year}")
        count = PER_YEAR // 2 if year == 2024 else PER_YEAR
        for number, entered in enumerate(
            spread(rng, year, count, (7, 1) if year == 2024 else (1, 1))
        ):
            specialty = rng.choice(list(SPECIALTIES))
            gender = Gender.FEMALE if number % 10 < 3 else Gender.MALE
            given = rng.choice(GIVEN_FEMALE if gender == Gender.FEMALE else GIVEN_MALE)
            if entered > until:
                continue
            rows.append(
                Expert(
                    name=rng.choice(SURNAMES) + given,
                    employer=rng.choice(EMPLOYERS[specialty]),
                    title=rng.choice(TITLES),
                    specialties=specialty,
                    mobile=str(FIRST_MOBILE + year * 1000 + number),
                    gender=gender,
                    birth_year=rng.randint(1960, 1992),
                    status=ExpertStatus.ACTIVE,
                    entered_on=entered,
                )
            )
    create_missing(Expert, rows, key=lambda e: e.mobile)
