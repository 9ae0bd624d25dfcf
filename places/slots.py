"""Frozen slotted dataclasses filled from C: the same objects their __init__ makes, made faster.

A frozen dataclass's generated __init__ sets each field by a Python-level ``object.__setattr__``
call, and a text's candidates, evidences and mentions are many. ``filler(cls)`` gives
``make(**fields)``: the object allocated and its slots set by their descriptors from C, the
fields not given taking their defaults. Where that would not be the object __init__ makes (a
__post_init__, a field __init__ does not set, a default factory, no slots) it is ``cls`` itself.
"""

from __future__ import annotations

__all__ = ["filler"]

from collections.abc import Callable
from dataclasses import MISSING, fields
from itertools import repeat
from operator import call
from typing import Any, TypeVar

T = TypeVar("T")


def filler(cls: type[T]) -> Callable[..., T]:
    """``make(**fields)``, equal to ``cls(**fields)`` (same type, fields, hash and repr)."""
    own = fields(cls)
    names = tuple(f.name for f in own)
    if (hasattr(cls, "__post_init__") or not all(f.init and f.default_factory is MISSING for f in own)
            or not all(type(cls.__dict__.get(name)).__name__ == "member_descriptor" for name in names)):
        return cls
    defaults = {f.name: f.default for f in own if f.default is not MISSING}
    setters = tuple(cls.__dict__[name].__set__ for name in names)
    new = object.__new__

    def make(**given: Any) -> T:
        values = {**defaults, **given} if len(given) < len(names) else given
        if len(values) != len(names):
            return cls(**given)  # an unknown field: __init__ says so
        obj = new(cls)
        try:
            any(map(call, setters, repeat(obj), map(values.__getitem__, names)))  # each returns None
        except KeyError:
            return cls(**given)  # a field missing: __init__ says so
        return obj

    make.__doc__ = f"{cls.__name__}(**fields), its slots set from C (see places.slots)."
    return make
