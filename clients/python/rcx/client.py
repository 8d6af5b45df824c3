"""The rcx client: one TLS connection, one request at a time, typed results and errors."""

import base64
import hashlib
import json
import select
import socket
import ssl
import time
from dataclasses import dataclass

from .errors import ProtocolError, RcxConnectionError, RcxError, server_error
from .trust import Trust

MAX_REPLY_BYTES = 64 * 1024 * 1024
"""Replies carry command output (capped per stream by the server), JSON-escaped: allow generously."""


@dataclass(frozen=True)
class Session:
    """A successful login: the bearer token and its lifetimes in seconds, as the server announced."""

    token: str
    expires_in: int
    idle_timeout: int

    def __repr__(self):
        return "Session(expires_in=%d, idle_timeout=%d)" % (self.expires_in, self.idle_timeout)


@dataclass(frozen=True)
class CommandResult:
    """The command ran. ``status`` is ``success`` (exit 0), ``failure`` (non-zero), ``timed_out``
    (killed at the whitelist's timeout; ``exit_code`` is None) or ``cancelled`` (killed on
    :meth:`Client.cancel`; ``exit_code`` is None). ``stdout``/``stderr`` are the exact bytes."""

    status: str
    stdout: bytes
    stderr: bytes
    exit_code: object
    duration_ms: int
    truncated: bool
    timed_out: bool

    @property
    def ok(self):
        return self.status == "success"

    @property
    def cancelled(self):
        return self.status == "cancelled"

    @property
    def output(self):
        """Standard output as text (invalid UTF-8 replaced)."""
        return self.stdout.decode("utf-8", "replace")

    @property
    def error_output(self):
        """Standard error as text (invalid UTF-8 replaced)."""
        return self.stderr.decode("utf-8", "replace")


def password_hash(password):
    """The protocol's ``password_hash``: lower-case hex SHA-256 of the UTF-8 password."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def _data(message, field, encoding_field):
    value = message.get(field) or ""
    encoding = message.get(encoding_field)
    if encoding is None:
        return value.encode("utf-8")
    if encoding == "base64":
        return base64.b64decode(value, validate=True)
    raise ProtocolError("unknown %s '%s'" % (encoding_field, encoding))


class Client:
    """A connection to an rcx server.

    ``trust`` is required: :class:`rcx.Pinned`, :class:`rcx.CertificateAuthority`,
    :class:`rcx.KnownHosts` or (explicitly) :class:`rcx.Insecure`. The server's identity is checked
    right after the TLS handshake (TLS 1.3), before the password is sent.

    >>> with Client("server.example", 7443, trust=Pinned("3F:2B:...")) as c:
    ...     c.login("alice", "secret")
    ...     print(c.exec("uptime").output)
    """

    def __init__(self, host, port=7443, *, trust, timeout=30.0, connect_timeout=10.0):
        if not isinstance(trust, Trust):
            raise TypeError(
                "trust must be Pinned, CertificateAuthority, KnownHosts or Insecure; there is no"
                " silent default")
        self.host = host
        self.port = port
        self.trust = trust
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.token = None
        self._sock = None
        self._buf = bytearray()
        # cancel() may come from another thread or a signal handler: it only writes a byte to the
        # wake socket, and the thread reading the reply sends the request itself (an ssl socket
        # must not be used by two threads at once). No lock: a signal handler runs on the main
        # thread, possibly while that thread would hold it.
        self._in_command = False
        self._pending_cancels = 0
        self._wake_r = self._wake_w = None

    @property
    def host_port(self):
        return ("[%s]" % self.host if ":" in self.host else self.host) + ":" + str(self.port)

    def connect(self):
        """Opens the connection and checks the server's identity; idempotent."""
        if self._sock is not None:
            return self
        try:
            raw = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError as e:
            raise RcxConnectionError("cannot connect to %s: %s" % (self.host_port, e)) from e
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            ctx = self.trust.context()
            tls = ctx.wrap_socket(raw, server_hostname=self.trust.server_hostname(self.host))
        except (ssl.SSLError, OSError) as e:
            raw.close()
            raise RcxConnectionError(
                "TLS handshake with %s failed: %s" % (self.host_port, e)) from e
        try:
            self.trust.check(self.host_port, tls.getpeercert(binary_form=True))
        except BaseException:
            tls.close()
            raise
        tls.settimeout(self.timeout)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sock = tls
        return self

    def __enter__(self):
        return self.connect()

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Closes the connection (a command still running on it is killed by the server). The
        client may connect again."""
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
                self._buf.clear()
                self._pending_cancels = 0
                wake = (self._wake_r, self._wake_w)
                self._wake_r = self._wake_w = None
                for w in wake:
                    if w is not None:
                        w.close()

    # -- requests ---------------------------------------------------------------------------------

    def login(self, user, password):
        """Logs in with a password; returns the :class:`Session` and keeps its token."""
        reply = self._call({"type": "auth", "username": user, "password_hash": password_hash(password)})
        if reply.get("type") == "auth_response" and reply.get("status") == "success":
            s = Session(reply["session_token"], int(reply.get("expires_in") or 0),
                        int(reply.get("idle_timeout") or 0))
            self.token = s.token
            return s
        raise self._failure(reply)

    def use_token(self, token):
        """Uses a token obtained on another connection (tokens work on any connection)."""
        self.token = token

    def exec(self, command, args=(), *, on_output=None):
        """Runs a whitelisted command line (split by the server, never by a shell) with ``args``
        appended literally. With ``on_output(stream, data)`` the output is streamed: ``stream`` is
        ``"stdout"`` or ``"stderr"`` and ``data`` the bytes, in order, as the command writes them.
        Returns a :class:`CommandResult` (status ``cancelled`` after :meth:`cancel`); refusals raise
        typed :class:`ServerError` subclasses."""
        if self.token is None:
            raise RcxError("not logged in: call login() or use_token() first")
        request = {"type": "command", "session_token": self.token, "command": command}
        if args:
            request["args"] = list(args)
        if on_output is not None:
            request["stream"] = True
        self.connect()
        self._take_wake()  # a cancel() that came too late for the previous command
        # From here a cancel() is remembered; this thread sends it, always after the request.
        self._in_command = True
        try:
            self._send(request)
            return self._command_reply(on_output)
        finally:
            self._in_command = False

    def cancel(self):
        """Stops the command that :meth:`exec` is running on this connection: the server kills its
        whole process tree, audits it, and :meth:`exec` returns its :class:`CommandResult` with
        status ``cancelled`` (output streamed so far was delivered); the session and the connection
        stay usable. Safe to call from another thread, from ``on_output``, or from a signal handler
        (e.g. ``signal.signal(signal.SIGINT, lambda *_: client.cancel())`` for Ctrl-C). Returns
        whether a command was running; with none, nothing is sent."""
        wake = self._wake_w
        if not self._in_command or wake is None:
            return False
        try:
            wake.send(b"!")
        except OSError:
            pass  # closed meanwhile, or already woken with a full buffer
        return True

    def _command_reply(self, on_output):
        streamed = {"stdout": bytearray(), "stderr": bytearray()}
        while True:
            reply = self._read()
            kind = reply.get("type")
            if kind == "command_chunk":
                stream = reply.get("stream")
                if stream not in streamed:
                    raise ProtocolError("command_chunk with stream %r" % (stream,))
                data = _data(reply, "data", "data_encoding")
                streamed[stream] += data
                if on_output is not None:
                    on_output(stream, data)
                continue
            if kind == "command_output":
                stdout = _data(reply, "output", "output_encoding") or bytes(streamed["stdout"])
                stderr = _data(reply, "stderr", "stderr_encoding") or bytes(streamed["stderr"])
                return CommandResult(
                    status=reply.get("status"), stdout=stdout, stderr=stderr,
                    exit_code=reply.get("exit_code"), duration_ms=int(reply.get("duration_ms") or 0),
                    truncated=bool(reply.get("truncated")), timed_out=bool(reply.get("timed_out")))
            raise self._failure(reply)

    def logout(self):
        """Revokes the token on the server."""
        if self.token is None:
            raise RcxError("not logged in")
        reply = self._call({"type": "logout", "session_token": self.token})
        self.token = None
        if reply.get("type") != "logout_response":
            raise self._failure(reply)

    def ping(self):
        reply = self._call({"type": "ping"})
        if reply.get("type") != "pong":
            raise self._failure(reply)

    # -- wire -------------------------------------------------------------------------------------

    def _call(self, request):
        self._send(request)
        return self._read()

    def _send(self, message):
        self.connect()
        line = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            self._sock.sendall(line)
        except OSError as e:
            self.close()
            raise RcxConnectionError("connection to %s lost: %s" % (self.host_port, e)) from e

    def _read(self):
        """The next reply, skipping the answers to cancels sent earlier. Fails when no bytes arrive
        within ``timeout`` seconds. While a command runs, a :meth:`cancel` wakes the wait and its
        request is sent from here."""
        while True:
            message = self._next_message()
            if message.get("type") == "cancel_response" and self._pending_cancels > 0:
                self._pending_cancels -= 1
                continue
            return message

    def _next_message(self):
        deadline = time.monotonic() + self.timeout
        while True:
            if self._take_wake() and self._in_command:
                self._pending_cancels += 1
                self._send({"type": "cancel"})
            nl = self._buf.find(b"\n")
            if nl >= 0:
                line = bytes(self._buf[:nl])
                del self._buf[:nl + 1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                if not line.strip():
                    continue
                try:
                    message = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    raise ProtocolError("unreadable reply from %s: %s" % (self.host_port, e)) from e
                if not isinstance(message, dict):
                    raise ProtocolError("reply from %s is not a JSON object" % self.host_port)
                return message
            if len(self._buf) > MAX_REPLY_BYTES:
                self.close()
                raise ProtocolError("reply from %s longer than %d bytes" % (self.host_port, MAX_REPLY_BYTES))
            if self._sock.pending() == 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.close()
                    raise RcxConnectionError(
                        "no reply from %s within %s s" % (self.host_port, self.timeout))
                ready, _, _ = select.select([self._sock, self._wake_r], [], [], left)
                if self._sock not in ready:
                    continue  # woken by cancel(), or the wait ended: look again
            try:
                self._sock.settimeout(0)  # only what is there: a TLS record may be incomplete
                chunk = self._sock.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                continue
            except OSError as e:
                self.close()
                raise RcxConnectionError("connection to %s lost: %s" % (self.host_port, e)) from e
            finally:
                if self._sock is not None:
                    self._sock.settimeout(self.timeout)
            if not chunk:
                self.close()
                raise RcxConnectionError("server %s closed the connection" % self.host_port)
            self._buf += chunk
            deadline = time.monotonic() + self.timeout

    def _take_wake(self):
        """Whether cancel() was called since the last look (and forgets it)."""
        woken = False
        try:
            while self._wake_r is not None and self._wake_r.recv(64):
                woken = True
        except OSError:
            pass  # nothing (more) waiting
        return woken

    @staticmethod
    def _failure(reply):
        kind = reply.get("type")
        if kind in ("error", "auth_response"):
            return server_error(reply.get("code") or "UNKNOWN", reply.get("message") or "",
                                reply.get("retry_after_ms"))
        return ProtocolError("unexpected reply of type %r" % (kind,))
