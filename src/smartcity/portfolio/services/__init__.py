"""The portfolio's logic, used by views, API, admin, commands and signals alike."""
