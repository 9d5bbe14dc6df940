"""Checking the records of a page against the contract, without walking each one twice.

Every contract model refuses text holding a NUL character: ``Model._no_nul`` in
:mod:`xrewards_desk.contract.common`, a Python validator run before each model and each
model nested in it, walking every value of the record again at each level. On a page of
the change feed that walk was half the time spent validating (7.5 of 15 µs a record at
100,000 accounts).

A NUL character can reach a string decoded from JSON only as the escape ``\\u0000``: JSON
forbids raw control characters in strings, and :func:`json.loads` refuses them. So where
the page's text holds no ``\\u0000`` at all (:func:`nul_free`), no string in it holds a
NUL and that check cannot refuse anything; for such a page each record is validated by
:func:`trusted`, built from its model's own core schema with only that check taken out:
every other rule (types without coercion, unknown fields, aware instants, money's
places, lengths, patterns, literals) is the model's, and the records are instances of it
(of a subclass made here, since pydantic otherwise reuses the model's own validator).
A page whose text holds the escape anywhere, even as ``\\\\u0000`` (a backslash, then
"u0000"), and a page that comes without its text, go through the models unchanged.

Should pydantic build its schemas otherwise one day, nothing is taken out and the check
just runs as before: this can make validation slower, never weaker (the tests check both
that the trusted validators lack the check and that they agree with the models).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from ..contract.common import Model

#: what must be absent from a page's text for its records to skip the NUL walk
NUL_ESCAPE = b"\\u0000"

_NUL_CHECK = Model._no_nul.__func__


def nul_free(text: bytes) -> bool:
    """Whether no string decoded from the JSON `text` can hold a NUL character."""
    return NUL_ESCAPE not in text


def _is_nul_check(node: dict[str, Any]) -> bool:
    function = node.get("function")
    return (node.get("type") == "function-before" and isinstance(function, dict)
            and getattr(function.get("function"), "__func__", None) is _NUL_CHECK)


@cache
def _subclass(model: type[BaseModel]) -> type[BaseModel]:
    """A subclass of `model` that pydantic-core builds a validator for from the schema
    it is given, instead of reusing the model's complete one."""
    sub: type[BaseModel] = type(model.__name__, (model,),
                                {"__module__": __name__, "__doc__": model.__doc__})
    sub.__pydantic_complete__ = False
    return sub


def _without_nul_check(node: Any) -> Any:
    if isinstance(node, dict):
        if _is_nul_check(node):
            return _without_nul_check(node["schema"])
        copy = {key: _without_nul_check(value) for key, value in node.items()}
        if copy.get("type") == "model" and isinstance(copy.get("cls"), type):
            copy["cls"] = _subclass(copy["cls"])
        return copy
    if isinstance(node, list):
        return [_without_nul_check(value) for value in node]
    return node


def holds_nul_check(node: Any) -> bool:
    """Whether a core schema still runs ``Model._no_nul`` somewhere."""
    if isinstance(node, dict):
        return _is_nul_check(node) or any(holds_nul_check(v) for v in node.values())
    if isinstance(node, list):
        return any(holds_nul_check(v) for v in node)
    return False


@cache
def trusted(model: type[BaseModel]) -> SchemaValidator:
    """`model`'s validator without the NUL check, for records decoded from JSON text that
    :func:`nul_free` passed."""
    return SchemaValidator(_without_nul_check(model.__pydantic_core_schema__))


def validate(model: type[BaseModel], data: Any, text_nul_free: bool) -> Any:
    """`data` checked against `model` (pydantic's ValidationError if it fails): with the
    trusted validator when the text it was decoded from is known to be NUL-free."""
    if text_nul_free:
        return trusted(model).validate_python(data)
    return model.model_validate(data)


__all__ = ["NUL_ESCAPE", "holds_nul_check", "nul_free", "trusted", "validate"]
