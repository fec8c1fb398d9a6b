"""One WeasyPrint helper for every printable document of the portal (summary, draw records)."""

from django.conf import settings
from django.template.loader import render_to_string

CJK_SANS = "Noto Sans CJK SC"
CJK_SERIF = "Noto Serif CJK SC"  # Word documents only: a second face in a PDF costs ~50 MB


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document; templates set ``font-family`` on ``html``, in ``@page``
    margin boxes and on inline SVG text so that the CJK font is embedded."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_context(**context) -> dict:
    """The context every PDF template gets: the font families and the bureau's names."""
    return {
        "sans": CJK_SANS,
        "serif": CJK_SANS,
        "bureau_name": settings.KEJIJU_BUREAU_NAME,
        "portal_name": settings.KEJIJU_PORTAL_NAME,
        **context,
    }


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, pdf_context(**context)))
