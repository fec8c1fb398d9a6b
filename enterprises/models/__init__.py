"""The enterprise registry (enterprises, qualifications, R&D institutions, innovation platforms),
the enterprises' accounts and their online applications."""

from .accounts import AccountRequest
from .applications import (
    Application,
    ApplicationTransition,
    Attachment,
    RuleSet,
)
from .registry import (
    Enterprise,
    InnovationPlatform,
    PlatformMembership,
    Qualification,
    RDInstitution,
)

__all__ = [
    "AccountRequest",
    "Application",
    "ApplicationTransition",
    "Attachment",
    "Enterprise",
    "InnovationPlatform",
    "PlatformMembership",
    "Qualification",
    "RDInstitution",
    "RuleSet",
]
