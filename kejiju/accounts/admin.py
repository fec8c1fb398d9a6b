"""No second-factor devices in the admin site: their keys would let an administrator stand in
for another person's authenticator (the auditor's, for one). A lost authenticator is reset with
``manage.py reset_second_factor``, which the audit log records."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
