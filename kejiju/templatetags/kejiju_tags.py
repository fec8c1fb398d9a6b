from django import template

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
