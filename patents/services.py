"""Writes of the patents app that touch more than one row."""

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from .models import Patent
from .resources import EnterpriseMatcher


@transaction.atomic
def link_applicants(*, applicants: list[str], enterprise, by=None) -> int:
    """Links every unlinked patent whose applicants read exactly one of ``applicants`` to
    ``enterprise``; returns how many patents were linked."""
    patents = list(Patent.objects.unlinked().filter(applicants__in=applicants))
    for patent in patents:
        patent.enterprise = enterprise
    if patents:
        bulk_update_with_history(
            patents,
            Patent,
            ["enterprise"],
            default_user=by,
            default_change_reason="关联申请人与企业",
        )
    return len(patents)


@transaction.atomic
def relink_by_registry(*, by=None) -> int:
    """Links unlinked patents whose credit code or applicant name now matches the registry
    (e.g. after the enterprises were imported)."""
    matcher = EnterpriseMatcher()
    patents = []
    for patent in Patent.objects.unlinked():
        enterprise_id = matcher.match(patent.applicant_credit_code, patent.applicants)
        if enterprise_id:
            patent.enterprise_id = enterprise_id
            patents.append(patent)
    if patents:
        bulk_update_with_history(
            patents,
            Patent,
            ["enterprise"],
            default_user=by,
            default_change_reason="按企业名录自动关联",
            batch_size=1000,
        )
    return len(patents)
