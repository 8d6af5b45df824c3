"""Typed errors of the rcx client: one class per cause, so callers can ``except`` exactly what they handle."""


class RcxError(Exception):
    """Base class of every error this library raises."""


class TrustError(RcxError):
    """The server's identity was not established; nothing was sent to it."""


class UnknownHostError(TrustError):
    """The server is not in the known-hosts file and ``accept_new`` was not given."""

    def __init__(self, host_port, fingerprint, known_hosts):
        super().__init__(
            "server %s is not in %s; its certificate SHA-256 fingerprint is %s. Check it with the"
            " server's operator, then pin it (fingerprint=...) or pass accept_new=True"
            % (host_port, known_hosts, fingerprint))
        self.host_port = host_port
        self.fingerprint = fingerprint


class HostIdentityChangedError(TrustError):
    """The known-hosts file records another fingerprint for this server: possibly an attack."""

    def __init__(self, host_port, recorded, presented, known_hosts, line):
        super().__init__(
            "REMOTE SERVER IDENTIFICATION HAS CHANGED for %s: %s line %d records %s but the server"
            " presented %s. Someone may be intercepting the connection; if the server's certificate"
            " really changed, remove that line." % (host_port, known_hosts, line, recorded, presented))
        self.recorded = recorded
        self.presented = presented


class FingerprintMismatchError(TrustError):
    """The server's certificate does not have the pinned fingerprint."""

    def __init__(self, host_port, expected, presented):
        super().__init__(
            "server %s presented certificate %s, not the pinned %s" % (host_port, presented, expected))
        self.expected = expected
        self.presented = presented


class RcxConnectionError(RcxError):
    """The connection could not be made or was lost (TCP, TLS, timeout, server closed it)."""


class ProtocolError(RcxError):
    """The server sent something this client cannot understand."""


class ServerError(RcxError):
    """The server answered with an ``error`` (or a failed ``auth_response``); ``code`` says why."""

    def __init__(self, code, message, retry_after_ms=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.retry_after_ms = retry_after_ms


class AuthFailedError(ServerError):
    """AUTH_FAILED: wrong user or password (the server never says which)."""


class RateLimitedError(ServerError):
    """RATE_LIMITED: too many failed logins; wait ``retry_after_ms``."""


class InvalidTokenError(ServerError):
    """INVALID_TOKEN: unknown, revoked or address-bound elsewhere; log in again."""


class TokenExpiredError(ServerError):
    """TOKEN_EXPIRED: idle timeout or lifetime passed; log in again."""


class CommandNotAllowedError(ServerError):
    """COMMAND_NOT_ALLOWED: not in the whitelist for this user."""


class ArgumentNotAllowedError(ServerError):
    """ARGUMENT_NOT_ALLOWED: shell syntax or an argument the whitelist refuses."""


class ServerBusyError(ServerError):
    """SERVER_BUSY: too many connections or commands; try later."""


class InternalServerError(ServerError):
    """INTERNAL: the server failed (e.g. could not write its audit log)."""


class RequestRejectedError(ServerError):
    """MALFORMED_JSON, UNKNOWN_TYPE, INVALID_REQUEST, LINE_TOO_LONG: the request itself was refused."""


_BY_CODE = {
    "AUTH_FAILED": AuthFailedError,
    "RATE_LIMITED": RateLimitedError,
    "INVALID_TOKEN": InvalidTokenError,
    "TOKEN_EXPIRED": TokenExpiredError,
    "COMMAND_NOT_ALLOWED": CommandNotAllowedError,
    "ARGUMENT_NOT_ALLOWED": ArgumentNotAllowedError,
    "SERVER_BUSY": ServerBusyError,
    "INTERNAL": InternalServerError,
    "MALFORMED_JSON": RequestRejectedError,
    "UNKNOWN_TYPE": RequestRejectedError,
    "INVALID_REQUEST": RequestRejectedError,
    "LINE_TOO_LONG": RequestRejectedError,
}


def server_error(code, message, retry_after_ms=None):
    """The typed error for a server error ``code`` (an unknown code gives :class:`ServerError`)."""
    return _BY_CODE.get(code, ServerError)(code, message, retry_after_ms)
