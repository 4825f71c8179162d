"""Who wants to hear about created and updated entities (the MQTT notifier, for one).

Listeners are called after the transaction commits, so nobody is told of data that a
rollback took back.
"""

from collections.abc import Callable

from django.db import transaction

# listener(event, instances, fields): event is "create" or "update"; fields are the changed
# standard property names for updates (None for creates).
_listeners: list[Callable] = []


def connect(listener: Callable) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def disconnect(listener: Callable) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _emit(event, instances, fields):
    for listener in list(_listeners):
        listener(event, instances, fields)


def has_listeners() -> bool:
    """Whether anybody listens now (a listener may say it is switched off: ``active``)."""
    return any(getattr(listener, "active", True) for listener in _listeners)


def after_commit_created(instances) -> None:
    if has_listeners():
        instances = list(instances)
        transaction.on_commit(lambda: _emit("create", instances, None))


def after_commit_updated(instance, fields) -> None:
    if has_listeners():
        transaction.on_commit(lambda: _emit("update", [instance], set(fields)))
