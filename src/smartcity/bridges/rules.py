"""Who sees the engineer view and edits limits: the city's department staff (and admins)."""

import rules

from smartcity.accounts.rules import is_department_staff, is_superuser

rules.add_perm("bridges.engineer", is_superuser | is_department_staff)
