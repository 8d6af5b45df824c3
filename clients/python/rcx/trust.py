"""How the client decides it talks to the right server: a pinned fingerprint, a CA file, known hosts
(trust on first use, like ssh, in the same file format as the Java client), or an explicit opt-out.
There is no silent default: a :class:`Client` without a trust refuses to connect."""

import hashlib
import os
import re
import ssl
import tempfile
import threading

from .errors import FingerprintMismatchError, HostIdentityChangedError, UnknownHostError

_HEX = re.compile(r"^[0-9A-Fa-f]{64}$")
_KNOWN_HOSTS_LOCK = threading.Lock()
HEADER = "# rcx known hosts: host:port SHA-256 fingerprint of the server certificate\n"


def normalize_fingerprint(fp):
    """``AB:CD:...`` (upper case, colons) from any case, with or without colons/spaces and an optional
    ``SHA256:``/``SHA256=`` prefix; ValueError otherwise."""
    s = fp.strip()
    if "=" in s and s.split("=", 1)[0].lower().startswith("sha256"):
        s = s.split("=", 1)[1]
    elif s.lower().startswith("sha256:"):
        s = s[7:]
    digits = s.replace(":", "").replace(" ", "")
    if not _HEX.match(digits):
        raise ValueError(
            "SHA-256 fingerprint must be 64 hex digits, optionally separated by colons, but was '%s'" % fp)
    digits = digits.upper()
    return ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def fingerprint_of(der):
    """The SHA-256 fingerprint of a DER certificate, as the rcx server prints it."""
    return normalize_fingerprint(hashlib.sha256(der).hexdigest())


def _base_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


class Trust:
    """Base class; use one of :class:`Pinned`, :class:`CertificateAuthority`, :class:`KnownHosts`,
    :class:`Insecure`."""

    def context(self):
        raise NotImplementedError

    def server_hostname(self, host):
        return None

    def check(self, host_port, der):
        """Called with the server's certificate after the handshake, before anything is sent."""


class Pinned(Trust):
    """Trust exactly the certificate with this SHA-256 fingerprint (whatever its names and dates)."""

    def __init__(self, fingerprint):
        self.fingerprint = normalize_fingerprint(fingerprint)

    def context(self):
        ctx = _base_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the certificate is checked by fingerprint in check()
        return ctx

    def check(self, host_port, der):
        presented = fingerprint_of(der)
        if presented != self.fingerprint:
            raise FingerprintMismatchError(host_port, self.fingerprint, presented)


class CertificateAuthority(Trust):
    """Trust certificates signed by (or equal to) one in ``cafile`` whose names match the host."""

    def __init__(self, cafile):
        self.cafile = cafile

    def context(self):
        ctx = _base_context()
        ctx.load_verify_locations(cafile=self.cafile)
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx

    def server_hostname(self, host):
        return host


class KnownHosts(Trust):
    """Trust on first use: the fingerprint recorded for ``host:port`` in ``path`` (default
    ``~/.rcx/known_hosts``, the Java client's file) is required; an unknown server is refused unless
    ``accept_new`` (then recorded, file mode 600); a changed one is always refused."""

    def __init__(self, path=None, accept_new=False):
        self.path = path or os.path.join(
            os.environ.get("RCX_HOME") or os.path.join(os.path.expanduser("~"), ".rcx"), "known_hosts")
        self.accept_new = accept_new

    def context(self):
        return Pinned("00" * 32).context()

    def check(self, host_port, der):
        presented = fingerprint_of(der)
        with _KNOWN_HOSTS_LOCK:
            entries = [e for e in self._read() if e[1].lower() == host_port.lower()]
            for line, _, recorded in entries:
                if recorded == presented:
                    return
            if entries:
                line, _, recorded = entries[0]
                raise HostIdentityChangedError(host_port, recorded, presented, self.path, line)
            if not self.accept_new:
                raise UnknownHostError(host_port, presented, self.path)
            self._append(host_port, presented)

    def _read(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        out = []
        for i, raw in enumerate(lines, 1):
            s = raw.strip()
            if not s or s.startswith("#"):
                continue
            fields = s.split()
            if len(fields) != 2:
                raise ValueError("known hosts file %s line %d: expected 'host:port SHA256-FINGERPRINT',"
                                 " but was '%s'" % (self.path, i, s))
            out.append((i, fields[0], normalize_fingerprint(fields[1])))
        return out

    def _append(self, host_port, fp):
        try:
            with open(self.path, encoding="utf-8") as f:
                existing = f.read()
        except FileNotFoundError:
            existing = HEADER
        if existing and not existing.endswith("\n"):
            existing += "\n"
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".known_hosts.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(existing + "%s %s\n" % (host_port, fp))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


class Insecure(Trust):
    """Do not check the server at all: anyone in the path can impersonate it. Explicit opt-out only."""

    def context(self):
        return Pinned("00" * 32).context()
