"""A Python client for rcx, standard library only (ssl, socket, json, hashlib).

>>> import rcx
>>> with rcx.Client("server.example", 7443, trust=rcx.KnownHosts()) as c:
...     c.login("alice", password)
...     r = c.exec("df -h /")
...     print(r.exit_code, r.output)
"""

from .client import Client, CommandResult, Session, password_hash
from .errors import (
    ArgumentNotAllowedError,
    AuthFailedError,
    CommandNotAllowedError,
    FingerprintMismatchError,
    HostIdentityChangedError,
    InternalServerError,
    InvalidTokenError,
    ProtocolError,
    RateLimitedError,
    RcxConnectionError,
    RcxError,
    RequestRejectedError,
    ServerBusyError,
    ServerError,
    TokenExpiredError,
    TrustError,
    UnknownHostError,
)
from .trust import CertificateAuthority, Insecure, KnownHosts, Pinned, Trust, fingerprint_of, normalize_fingerprint

__all__ = [
    "Client", "CommandResult", "Session", "password_hash",
    "Trust", "Pinned", "CertificateAuthority", "KnownHosts", "Insecure", "fingerprint_of",
    "normalize_fingerprint",
    "RcxError", "TrustError", "UnknownHostError", "HostIdentityChangedError", "FingerprintMismatchError",
    "RcxConnectionError", "ProtocolError", "ServerError", "AuthFailedError", "RateLimitedError",
    "InvalidTokenError", "TokenExpiredError", "CommandNotAllowedError", "ArgumentNotAllowedError",
    "ServerBusyError", "InternalServerError", "RequestRejectedError",
]
