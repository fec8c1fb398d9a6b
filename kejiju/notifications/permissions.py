"""Who may use the notification centre: every user with a role, each for their own
notifications only (the querysets are always the user's own; another's is a 404)."""

from kejiju.choices import Role

CENTRE_ROLES = tuple(Role.values)
