"""Who may do what in the defect reporter (django-rules, checked against a city or report)."""

import rules

from smartcity.accounts.roles import Role
from smartcity.accounts.rules import has_role, is_superuser

is_department_staff = has_role(Role.DEPARTMENT)
is_moderator = has_role(Role.MODERATOR)

# Work off reports: queue, status changes, notes, assignment.
rules.add_perm("defects.handle_reports", is_superuser | is_department_staff)
# Release or hide photos and black out faces or number plates before they become public.
rules.add_perm("defects.review_photos", is_superuser | is_department_staff | is_moderator)
