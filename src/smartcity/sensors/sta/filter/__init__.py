"""The ``$filter`` / ``$orderby`` expression language, compiled to Django ORM expressions."""

from smartcity.sensors.sta.filter.compiler import apply_filter, order_expressions

__all__ = ["apply_filter", "order_expressions"]
