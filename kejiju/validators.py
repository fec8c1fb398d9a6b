import re

from django.core.exceptions import ValidationError


class ComplexityValidator:
    """Requires three of four character classes (等保 password complexity); off by default."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password, user=None):
        if sum(bool(re.search(c, password)) for c in self.classes) < 3:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类。"
