"""One WeasyPrint helper for every printable document of the portal (summary, draw records)."""

from django.conf import settings
from django.template.loader import render_to_string

CJK_SANS = "Noto Sans CJK SC"
CJK_SERIF = "Noto Serif CJK SC"


def render_pdf(template_name: str, context: dict) -> bytes:
    """Renders a template to PDF bytes. Templates set ``font-family`` on ``html`` and in
    ``@page`` margin boxes so that the CJK font is embedded."""
    from weasyprint import HTML

    base = {
        "sans": CJK_SANS,
        "serif": CJK_SERIF,
        "bureau_name": settings.KEJIJU_BUREAU_NAME,
        "portal_name": settings.KEJIJU_PORTAL_NAME,
    }
    html = render_to_string(template_name, {**base, **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
