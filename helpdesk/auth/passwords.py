"""Password hashing: scrypt through Werkzeug (memory-hard, salted, self-describing)."""
from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

# A fixed hash to compare against when the account does not exist, so both answers take as long.
_DUMMY = generate_password_hash("not-a-real-password", method="scrypt")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY, password) and password_hash is not None
