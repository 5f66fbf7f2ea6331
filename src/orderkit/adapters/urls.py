"""Store URLs as they may be shown: in errors, logs and reprs."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["redact_url"]


def redact_url(url: str) -> str:
    """Return ``url`` with its password replaced by ``***``.

    Examples:
        >>> redact_url("postgresql://shop:secret@db:5432/shop")
        'postgresql://shop:***@db:5432/shop'
        >>> redact_url("sqlite:///shop.db")
        'sqlite:///shop.db'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return parts._replace(netloc=f"{name}:***@{host}").geturl()
