"""JSON Patch (RFC 6902) on an entity's representation: add, remove, replace, move, copy, test."""

import copy

from smartcity.sensors.sta.errors import bad_request


def _pointer(path: str) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise bad_request(f"JSON Patch path must start with '/': {path!r}", "path")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(document, parts, path):
    target = document
    for part in parts[:-1]:
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict) and part in target:
            target = target[part]
        else:
            raise bad_request(f"JSON Patch path {path!r} does not exist", "path")
    return target


def _get(document, path):
    parts = _pointer(path)
    parent = _parent(document, parts, path)
    key = parts[-1]
    try:
        return parent[int(key)] if isinstance(parent, list) else parent[key]
    except (KeyError, IndexError, ValueError):
        raise bad_request(f"JSON Patch path {path!r} does not exist", "path") from None


def _remove(document, path):
    value = _get(document, path)
    parts = _pointer(path)
    parent = _parent(document, parts, path)
    if isinstance(parent, list):
        parent.pop(int(parts[-1]))
    else:
        del parent[parts[-1]]
    return value


def _add(document, path, value):
    parts = _pointer(path)
    parent = _parent(document, parts, path)
    key = parts[-1]
    if isinstance(parent, list):
        if key == "-":
            parent.append(value)
        else:
            parent.insert(int(key), value)
    elif isinstance(parent, dict):
        parent[key] = value
    else:
        raise bad_request(f"JSON Patch path {path!r} does not point into an object", "path")


def apply_patch(document: dict, operations) -> dict:
    if not isinstance(operations, list):
        raise bad_request("a JSON Patch body is an array of operations")
    document = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
            raise bad_request("each JSON Patch operation needs 'op' and 'path'", "op")
        op, path = operation["op"], operation["path"]
        if op == "add":
            _add(document, path, operation.get("value"))
        elif op == "remove":
            _remove(document, path)
        elif op == "replace":
            _get(document, path)
            _remove(document, path)
            _add(document, path, operation.get("value"))
        elif op == "move":
            _add(document, path, _remove(document, operation.get("from", "")))
        elif op == "copy":
            _add(document, path, copy.deepcopy(_get(document, operation.get("from", ""))))
        elif op == "test":
            if _get(document, path) != operation.get("value"):
                raise bad_request(f"JSON Patch test failed at {path!r}", "path")
        else:
            raise bad_request(f"unknown JSON Patch operation {op!r}", "op")
    return document
