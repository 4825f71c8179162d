"""Who may run an office's day: department staff and administrators of the office's city."""

import rules

from smartcity.accounts.roles import Role
from smartcity.accounts.rules import has_role, is_superuser

rules.add_perm("appointments.manage_office", is_superuser | has_role(Role.DEPARTMENT))
