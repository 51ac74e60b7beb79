"""Small column helpers shared by the models."""
from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_type(cls: type[enum.Enum]) -> Enum:
    """A VARCHAR holding the enum's value (portable, readable, no native PG enum to migrate)."""
    return Enum(cls, native_enum=False, create_constraint=False, length=32,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)
