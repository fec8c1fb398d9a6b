"""The template side of :mod:`kejiju.formatting`, a built-in library (``TEMPLATES`` →
``builtins`` in settings), so every template has these without ``{% load %}``::

    {{ total|count:"件" }}          1,125 件
    {{ amount|money }}              9,999.99 万元 / 25.83 亿元
    {{ amount|money_figure }}       9,999.99 / 258,310.00: in 万元, no unit (a column headed 万元)
    {{ share|percent }}             12.5%
    {{ yoy|change }}                +12.5% / -3.0%
    {{ value|number }}              1,125 / 1,125.5
    {{ day|cndate }}                2026年12月6日
    {{ moment|cndatetime }}         2026年12月6日 17:11
    {{ day|cnmonth }}               2026年12月
    {% value_range 120 125 "家" %}  120–125家
    {{ text|range_dash }}           "120—125家" → "120–125家"
"""

from django import template

from kejiju import formatting

register = template.Library()


@register.filter
def count(value, unit=""):
    return formatting.count(value, unit)


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def money_figure(value):
    return formatting.money_figure(value)


@register.filter
def percent(value, decimals=1):
    return formatting.percent(value, int(decimals))


@register.filter
def change(value, decimals=1):
    return formatting.change(value, int(decimals))


@register.filter
def number(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def cndate(value):
    return formatting.date(value)


@register.filter
def cndatetime(value, seconds=False):
    return formatting.datetime(value, seconds=bool(seconds))


@register.filter
def cnmonth(value):
    return formatting.month(value)


@register.filter
def range_dash(value):
    return formatting.normalize_range_text(value)


@register.simple_tag
def value_range(low, high, unit=""):
    return formatting.value_range(low, high, unit)
