"""Attachment bytes, stored once under HELPDESK_DATA_DIR by their SHA-256 and served back as downloads."""
from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

import filetype
from flask import current_app

from .errors import ValidationFailed

# What a shopper may upload as evidence (widget, portal). Mail keeps any type, as a download.
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf"}


def storage_root() -> Path:
    return Path(current_app.config["HELPDESK_DATA_DIR"]) / "attachments"


def path_for(sha256: str) -> Path:
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


def store_bytes(data: bytes) -> str:
    """Write the bytes if they are not there yet; the same file twice is stored once."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    return digest


def sniff_type(data: bytes, declared: str | None) -> str:
    """The type the bytes really have when recognisable; the declared one otherwise."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime
    return (declared or "application/octet-stream").split(";")[0].strip().lower()


def check_evidence(filename: str, data: bytes, declared: str | None, max_bytes: int) -> str:
    """Size and real type of an uploaded file; returns the sniffed type or raises a field error."""
    if len(data) > max_bytes:
        raise ValidationFailed("file too large", fields={"files": [
            f"{filename}: larger than {max_bytes // (1024 * 1024)} MB"]})
    kind = sniff_type(data, declared)
    if kind not in EVIDENCE_TYPES:
        raise ValidationFailed("file type not accepted", fields={"files": [
            f"{filename}: only photos (JPEG, PNG, GIF, WebP, HEIC) and PDF are accepted"]})
    return kind


def clean_filename(name: str | None) -> str:
    """A display name without paths or control characters (the stored name is the hash)."""
    name = unicodedata.normalize("NFC", (name or "attachment").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return (name or "attachment")[:200]
