from django import template
from django.utils.html import format_html

register = template.Library()


def _with_class(field, css: str):
    attrs = dict(field.field.widget.attrs)
    attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
    return field.as_widget(attrs=attrs)


@register.filter
def add_class_input(field):
    return _with_class(field, "form-control")


@register.filter
def add_class_select(field):
    return _with_class(field, "form-select")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sort and page links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag
def page_numbers(page) -> list[int | None]:
    """The page numbers the pagination shows: the first, two either side of the current one
    and the last, ``None`` for a gap (…); without the last when the count is an estimate."""
    paginator = page.paginator
    if getattr(paginator, "estimated", False):
        first = max(1, page.number - 2)
        return ([1, None] if first > 2 else list(range(1, first))) + list(
            range(first, min(paginator.num_pages, page.number + 2) + 1)
        )
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str):
    """A column header that sorts the list by ``key`` (one of the view's ``sort_fields``):
    ascending first, then the other way; the current direction shows as ▲ or ▼. A key the
    list does not sort by gives the plain label."""
    if key not in context.get("sort_fields", {}):
        return label
    current = context.get("current_sort", "")
    if current == key:
        target, mark, state = f"-{key}", " ▲", "升序"
    elif current == f"-{key}":
        target, mark, state = key, " ▼", "降序"
    else:
        target, mark, state = key, "", ""
    query = query_with(context, sort=target, page=None)
    title = f"按{label}排序" + (f"（当前{state}）" if state else "")
    if not mark:  # a column that can sort the list, faintly marked as such
        return format_html(
            '<a class="kj-sort text-reset text-decoration-none" href="?{}" title="{}">{}'
            '<span class="text-muted opacity-50 small" aria-hidden="true"> ⇅</span></a>',
            query,
            title,
            label,
        )
    return format_html(
        '<a class="kj-sort text-reset text-decoration-none" href="?{}" title="{}">{}{}</a>',
        query,
        title,
        label,
        mark,
    )


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """首页 › the menu group › the menu entry the current page belongs to (the entry whose
    address is the longest start of the page's), the entry a link back unless it is this page.
    Nothing on a role's home page or on pages outside the menu (login, public pages)."""
    request = context.get("request")
    crumbs: list[dict] = []
    if request is None:
        return {"crumbs": crumbs}
    path = request.path
    best, best_group, best_is_home = None, None, False
    for position, entry in enumerate(context.get("menu") or ()):
        for child in entry.get("children", [entry]):
            url = child.get("url") or ""
            if url and url != "/" and path.startswith(url):
                if best is None or len(url) > len(best["url"]):
                    best = child
                    best_group = entry["label"] if "children" in entry else None
                    best_is_home = position == 0 and "children" not in entry
    if best is None or (best_is_home and path == best["url"]):
        return {"crumbs": crumbs}
    crumbs.append({"label": "首页", "url": "/"})
    if best_group:
        crumbs.append({"label": best_group, "url": None})
    crumbs.append({"label": best["label"], "url": None if path == best["url"] else best["url"]})
    return {"crumbs": crumbs}
