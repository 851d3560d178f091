"""HTTPS: the server's TLS context, from the user's own files or from a certificate authority made at start-up.

A client that only speaks ``https://`` then needs only the host changed: it trusts the made-up authority through
the file written here (its path is printed at start-up and handed to tests by the pytest plugin).
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError

#: The names a made-up certificate is always valid for: what a client on the same machine dials.
LOCAL_NAMES = ("127.0.0.1", "::1", "localhost")
#: Listening addresses that are not names a client dials.
_WILDCARDS = ("", "0.0.0.0", "::")
CA_FILE_NAME = "mockgateway-ca.pem"


@dataclass(frozen=True, slots=True)
class ServerTls:
    context: ssl.SSLContext | None  #: None: plain HTTP
    #: The made-up authority's certificate (PEM), for clients to trust; None when the user gave their own files.
    ca_path: Path | None


@contextlib.contextmanager
def server_tls(settings: Settings) -> Iterator[ServerTls]:
    """The TLS set-up ``settings`` ask for; a CA file written to a temp dir is removed after."""
    if settings.tls_cert is not None and settings.tls_key is not None:
        yield ServerTls(context=_load(settings.tls_cert, settings.tls_key), ca_path=None)
    elif not settings.tls:
        yield ServerTls(context=None, ca_path=None)
    elif settings.tls_ca_out is not None:
        yield made_up(settings.host, settings.tls_ca_out)
    else:
        with tempfile.TemporaryDirectory(prefix="mockgateway-tls-", ignore_cleanup_errors=True) as directory:
            yield made_up(settings.host, Path(directory) / CA_FILE_NAME)


def made_up(host: str, ca_path: Path) -> ServerTls:
    """A fresh authority and a certificate it signed for this machine's names (and ``host``); the CA to ``ca_path``."""
    import trustme  # here: only ``--tls`` needs it, and start-up time counts

    authority = trustme.CA(organization_name="mockgateway")
    names = list(LOCAL_NAMES) if host in (*LOCAL_NAMES, *_WILDCARDS) else [*LOCAL_NAMES, host]
    certificate = authority.issue_cert(*names)
    try:
        ca_path.parent.mkdir(parents=True, exist_ok=True)
        authority.cert_pem.write_to_path(str(ca_path))
    except OSError as error:
        raise ConfigError(f"tls_ca_out: cannot write {ca_path}: {error.strerror or error}") from error
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return ServerTls(context=context, ca_path=ca_path)


def _load(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as error:  # before OSError, which it is a kind of
        raise ConfigError(f"tls_cert: {cert} and {key} are not a PEM certificate chain and its key: {error}") from error
    except OSError as error:
        raise ConfigError(f"tls_cert: cannot read {error.filename or cert}: {error.strerror or error}") from error
    return context
