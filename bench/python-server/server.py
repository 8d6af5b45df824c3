#!/usr/bin/env python3
"""The original design's server in Python's standard library, as a yardstick for rcx.

What the design document (../../docs/PROTOCOL.md, "the original design") asks for and no more:
JSON lines over TCP (TLS when given a certificate), SHA-256 password hashes, a session token,
a whitelist, commands run without a shell by subprocess with a timeout, one thread per client.
It has no audit log, no throttling and no limits: it is what rcx is measured against
(bench/python-server/compare.sh), not something to deploy.
"""
import argparse, hashlib, json, secrets, shlex, socket, ssl, subprocess, threading, time

WHITELIST = {"echo", "uptime", "true", "date", "hostname"}


def serve_client(conn, users, tokens):
    with conn, conn.makefile("rb") as reader, conn.makefile("wb") as writer:
        for line in reader:
            try:
                req = json.loads(line)
                reply = handle(req, users, tokens)
            except (ValueError, AttributeError):
                reply = {"type": "error", "code": "INVALID_REQUEST", "message": "malformed request"}
            if isinstance(req, dict) and "id" in req:
                reply["id"] = req["id"]
            writer.write(json.dumps(reply).encode() + b"\n")
            writer.flush()


def handle(req, users, tokens):
    kind = req.get("type")
    if kind == "auth":
        if users.get(req.get("username")) == req.get("password_hash"):
            token = secrets.token_hex(16)
            tokens[token] = (req["username"], time.monotonic() + 3600)
            return {"type": "auth_response", "status": "success", "session_token": token}
        return {"type": "auth_response", "status": "failure", "message": "invalid credentials"}
    if kind == "command":
        session = tokens.get(req.get("session_token"))
        if session is None or session[1] < time.monotonic():
            return {"type": "error", "code": "INVALID_TOKEN", "message": "invalid or expired token"}
        argv = shlex.split(req.get("command", "")) + list(req.get("args") or [])
        if not argv or argv[0] not in WHITELIST:
            return {"type": "error", "code": "COMMAND_NOT_ALLOWED", "message": "not allowed"}
        start = time.monotonic()
        try:
            done = subprocess.run(argv, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            return {"type": "command_output", "status": "timeout", "output": "", "timed_out": True}
        return {"type": "command_output",
                "status": "success" if done.returncode == 0 else "failure",
                "output": done.stdout.decode(errors="replace"),
                "stderr": done.stderr.decode(errors="replace"),
                "exit_code": done.returncode,
                "duration_ms": int((time.monotonic() - start) * 1000)}
    if kind == "logout":
        tokens.pop(req.get("session_token"), None)
        return {"type": "logout_response", "status": "success"}
    if kind == "ping":
        return {"type": "pong"}
    return {"type": "error", "code": "INVALID_REQUEST", "message": "unknown type"}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert"); p.add_argument("--key")
    p.add_argument("--user", default="bench"); p.add_argument("--password", required=True)
    a = p.parse_args()
    users = {a.user: hashlib.sha256(a.password.encode()).hexdigest()}
    tokens = {}
    context = None
    if a.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.cert, a.key)
    listener = socket.create_server(("127.0.0.1", a.port), backlog=512)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if context:
            try:
                conn = context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                continue
        threading.Thread(target=serve_client, args=(conn, users, tokens), daemon=True).start()


if __name__ == "__main__":
    main()
