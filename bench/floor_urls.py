"""The portal's URLs plus the floor of the load benchmark: plain Django views that return the same
rows as a page of the patent, enterprise and project lists for the same filters, as a bare
HTML table. No filter forms, no pagination count, no template, no menu, no permissions module;
only the login check any Django view would have. Served by bench/load_wsgi.py through Django's
default middleware; the portal itself has no such URLs."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.utils.html import format_html, format_html_join

from enterprises.models import Enterprise, Qualification
from patents.models import Patent
from projects.models import Project

ROWS = 20


def _search(params, *fields) -> Q:
    value = params.get("q", "").strip()
    query = Q()
    if value:
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
    return query


def _window(params) -> slice:
    """The rows of the requested page, as the list's paginator slices them."""
    page = int(params.get("page", 1))
    return slice((page - 1) * ROWS, page * ROWS)


def _table(title: str, rows) -> HttpResponse:
    body = format_html_join(
        "\n",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows),
    )
    return HttpResponse(
        format_html(
            '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{}</title>'
            "<table>\n{}\n</table></html>",
            title,
            body,
        )
    )


def patents(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    params = request.GET
    rows = Patent.objects.select_related("enterprise", "enterprise__town").filter(
        _search(params, "application_number", "title", "applicants")
    )
    if params.get("kind"):
        rows = rows.filter(kind=params["kind"])
    if params.get("filed_year"):
        year = int(params["filed_year"])
        rows = rows.filter(filed_on__gte=date(year, 1, 1), filed_on__lt=date(year + 1, 1, 1))
    if params.get("town"):
        rows = rows.filter(enterprise__town=params["town"])
    return _table(
        "专利",
        (
            (
                p.application_number,
                p.title,
                p.get_kind_display(),
                p.filed_on,
                p.granted_on or "",
                p.get_legal_status_display(),
                p.enterprise.name if p.enterprise else p.applicants,
                p.enterprise.town.name if p.enterprise and p.enterprise.town else "",
            )
            for p in rows.order_by("-filed_on", "-id")[_window(params)]
        ),
    )


def enterprises(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    params = request.GET
    rows = (
        Enterprise.objects.select_related("town", "tech_field")
        .with_list_counts()  # the same three figures per row as the list
        .filter(_search(params, "name", "credit_code"))
    )
    if params.get("town"):
        rows = rows.filter(town=params["town"])
    if params.get("qualification"):
        rows = rows.filter(
            Exists(
                Qualification.objects.filter(
                    enterprise=OuterRef("pk"), kind=params["qualification"]
                )
            )
        )
    return _table(
        "企业",
        (
            (
                e.name,
                e.credit_code,
                e.town.name if e.town else "",
                e.tech_field.name if e.tech_field else "",
                e.qualification_count,
                e.institution_count,
                "是" if e.has_users else "否",
            )
            for e in rows.order_by("name")[_window(params)]
        ),
    )


def projects(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    params = request.GET
    rows = Project.objects.select_related("category", "town", "enterprise").filter(
        _search(params, "number", "name", "undertaker")
    )
    if params.get("year"):
        rows = rows.filter(applied_on__year=int(params["year"]))
    if params.get("status"):
        rows = rows.filter(status=params["status"])
    if params.get("category"):
        rows = rows.filter(category=params["category"])
    return _table(
        "项目",
        (
            (
                p.number,
                p.name,
                p.category.name if p.category else "",
                p.undertaker,
                p.town.name if p.town else "",
                p.applied_on,
                p.get_status_display(),
                p.funding or "",
            )
            for p in rows.order_by("-applied_on", "number")[_window(params)]
        ),
    )


urlpatterns = [
    path("floor/patents/", patents),
    path("floor/enterprises/", enterprises),
    path("floor/projects/", projects),
    path("", include("kejiju.urls")),
]
