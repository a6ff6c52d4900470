"""Encrypted storage for the secrets of connected pages (tokens, app secrets).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). The key comes from
``LANTOA_FIELD_KEY`` — any long random string; several, comma-separated, to rotate keys: the
first encrypts, all decrypt — or, when that is unset, is derived from ``SECRET_KEY`` with HKDF,
so that a deployment works out of the box. A database dump alone never reveals a token.
"""

from __future__ import annotations

import base64
import functools
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)

_SALT = b"lantoa.connectors.fields"
_INFO = b"connector secrets v1"


def _derive(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        material.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


@functools.lru_cache(maxsize=8)
def _fernet(field_key: str, secret_key: str) -> MultiFernet:
    materials = [k.strip() for k in field_key.split(",") if k.strip()] or [secret_key]
    return MultiFernet([_derive(m) for m in materials])


def fernet() -> MultiFernet:
    return _fernet(settings.LANTOA_FIELD_KEY, settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        # The key changed without keeping the old one for decryption: the page must be
        # reconnected. Never log the token itself.
        log.warning("a connector secret cannot be decrypted with the current key")
        return ""


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; reads and writes plain strings."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return decrypt(value or "")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value or "")
