from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Links of 忘记密码: valid ``KEJIJU_PASSWORD_RESET_LINK_MINUTES`` (not the 3 days of an
    invitation), once (the token changes with the password), and not interchangeable with
    invitation links (their own salt)."""

    key_salt = "kejiju.accounts.tokens.ResetTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - issued
        return age <= settings.KEJIJU_PASSWORD_RESET_LINK_MINUTES * 60


reset_token_generator = ResetTokenGenerator()
