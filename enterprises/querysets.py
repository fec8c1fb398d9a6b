"""Reads of the enterprise registry: qualifications and R&D institutions by kind, level and date."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from kejiju.choices import Level

from .choices import InstitutionType, QualificationType, RecognitionKind

# A 高新技术企业 certificate is valid three years from issue (DOMAIN.md §1).
HNTE_VALIDITY_YEARS = 3
# A qualification is flagged 即将到期 this many days before it ends, and 已过期 for this many days
# after (in the registry filter and the staff's to-do list; the enterprise page flags every
# current qualification that has ended).
EXPIRY_NOTICE_DAYS = 90
LAPSED_NOTICE_DAYS = 365


def year_end(year: int) -> date:
    return date(year, 12, 31)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class QualificationQuerySet(models.QuerySet):
    def of_kind(self, kind: QualificationType, level: Level | None = None) -> QualificationQuerySet:
        qs = self.filter(kind=kind)
        return qs if level is None else qs.filter(level=level)

    def hnte(self) -> QualificationQuerySet:
        """高新技术企业 (a national qualification)."""
        return self.of_kind(QualificationType.HNTE, Level.NATIONAL)

    def first_recognitions(self) -> QualificationQuerySet:
        return self.filter(recognition=RecognitionKind.FIRST)

    def renewals(self) -> QualificationQuerySet:
        return self.filter(recognition=RecognitionKind.RENEWAL)

    def recognized_in(self, year: int) -> QualificationQuerySet:
        return self.filter(recognized_on__year=year)

    def valid_on(self, day: date, validity_years: int | None = None) -> QualificationQuerySet:
        """Recognised by ``day`` and not expired on it. A blank 有效期至 means no expiry, or, when
        the qualification has a fixed term of ``validity_years``, that term from recognition."""
        open_ended = Q(valid_until__isnull=True)
        if validity_years:
            open_ended &= Q(recognized_on__gt=years_before(day, validity_years))
        return self.filter(open_ended | Q(valid_until__gte=day), recognized_on__lte=day)

    def current(self) -> QualificationQuerySet:
        """The latest recognition of each kind and level an enterprise holds: an older one
        was superseded by the renewal (重新认定) and is not flagged."""
        newer = self.model.objects.filter(
            enterprise=OuterRef("enterprise"),
            kind=OuterRef("kind"),
            level=OuterRef("level"),
            recognized_on__gt=OuterRef("recognized_on"),
        )
        return self.filter(~Exists(newer))

    @staticmethod
    def _ended_by(day: date) -> Q:
        """No longer valid on ``day``: past its 有效期至, or a 高新技术企业 certificate without one
        that is three years old."""
        return Q(valid_until__lt=day) | Q(
            valid_until__isnull=True,
            kind=QualificationType.HNTE,
            level=Level.NATIONAL,
            recognized_on__lte=years_before(day, HNTE_VALIDITY_YEARS),
        )

    def expiring(self, today: date, days: int = EXPIRY_NOTICE_DAYS) -> QualificationQuerySet:
        """Current qualifications valid today that end within ``days`` days."""
        return (
            self.current()
            .filter(self._ended_by(today + timedelta(days=days)))
            .exclude(self._ended_by(today))
        )

    def expired(self, today: date, days: int | None = LAPSED_NOTICE_DAYS) -> QualificationQuerySet:
        """Current qualifications that have ended (within the last ``days`` days; ``None``:
        whenever) and were not renewed."""
        rows = self.current().filter(self._ended_by(today))
        if days is not None:
            rows = rows.exclude(self._ended_by(today - timedelta(days=days)))
        return rows


class RDInstitutionQuerySet(models.QuerySet):
    def of_kind(self, kind: InstitutionType, level: Level) -> RDInstitutionQuerySet:
        return self.filter(kind=kind, level=level)

    def recognized_in(self, year: int) -> RDInstitutionQuerySet:
        return self.filter(recognized_on__year=year)

    def recognized_by(self, day: date) -> RDInstitutionQuerySet:
        return self.filter(recognized_on__lte=day)


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnterpriseQuerySet:
        """Bureau staff see the registry; an enterprise user sees only their own enterprise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_bureau_staff or user.role == "leader":
            return self
        if user.role == "enterprise" and user.enterprise_id:
            return self.filter(pk=user.enterprise_id)
        return self.none()

    def search(self, text: str) -> EnterpriseQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))

    def with_list_counts(self) -> EnterpriseQuerySet:
        """Qualifications, R&D institutions and whether the enterprise has portal accounts, as
        correlated subqueries: computed for the rows of one page only, and the page count stays
        a plain COUNT(*) (joins with GROUP BY made both read the whole registry)."""
        from django.contrib.auth import get_user_model

        from .models import Qualification, RDInstitution

        def count_of(model) -> Coalesce:
            rows = model.objects.filter(enterprise=OuterRef("pk")).order_by().values("enterprise")
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(
            qualification_count=count_of(Qualification),
            institution_count=count_of(RDInstitution),
            has_users=Exists(get_user_model().objects.filter(enterprise=OuterRef("pk"))),
        )


class PlatformQuerySet(models.QuerySet):
    def active_on(self, day: date) -> PlatformQuerySet:
        return self.filter(
            Q(recognized_on__isnull=True) | Q(recognized_on__lte=day),
            Q(closed_on__isnull=True) | Q(closed_on__gte=day),
        )
