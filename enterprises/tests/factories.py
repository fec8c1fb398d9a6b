"""Shared setup of the enterprises tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

# The smallest well-formed PDF: one empty page (uploads are checked by their structure).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def pdf(name: str = "营业执照.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def licence(name: str = "营业执照.pdf") -> SimpleUploadedFile:
    """A 营业执照 as the registration form passes it on: a PDF already inspected."""
    from kejiju.uploads import inspect

    upload = pdf(name)
    upload.inspected = inspect(upload)
    upload.seek(0)
    return upload


def hnte_post(**changes) -> dict:
    """The 高新技术企业 form as an enterprise fills it: every condition met."""
    data = {
        "year": "2024",
        "recognition": "first",
        "registered_on": "2015-03-01",
        "tech_field": "新材料",
        "no_incident": "on",
        "owns_ip": "on",
        "ip_class1": "2",
        "ip_class2": "6",
        "ip_score": "24",
        "staff_total": "120",
        "st_staff": "30",
        "sales_1": "4000",
        "sales_2": "4500",
        "sales_3": "5000",
        "rd_1": "220",
        "rd_2": "240",
        "rd_3": "260",
        "rd_domestic": "700",
        "net_assets_1": "1000",
        "net_assets_2": "1400",
        "net_assets_3": "1960",
        "total_revenue": "5200",
        "hitech_revenue": "4000",
        "conversions": "15",
        "org_score": "16",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
