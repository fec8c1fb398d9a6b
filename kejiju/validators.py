import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


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


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with the message under the msgid Django's Chinese catalogue
    translates (Django 5.2 changed the msgid and shows the English text otherwise)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
