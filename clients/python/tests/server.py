"""A real rcx server for the tests: target/rcx.jar started with a JDK >= 21 (picked by .ci/jdk.sh,
as ./rcx and CI do) on 127.0.0.1, port 0, with a fresh data directory, one user and a small
whitelist. Stopped with SIGTERM (then SIGKILL) by :meth:`close`."""

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
JAR = os.path.join(ROOT, "target", "rcx.jar")
USER = "alice"
PASSWORD = "py-client-password"

_java = None


def java():
    """The java binary of a JDK >= 21, chosen by .ci/jdk.sh's rcx_pick_jdk."""
    global _java
    if _java is None:
        home = subprocess.run(
            ["bash", "-c", '. .ci/jdk.sh && rcx_pick_jdk >&2 && printf %s "$JAVA_HOME"'],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        if home.returncode != 0 or not home.stdout:
            raise RuntimeError("no JDK >= 21 found by .ci/jdk.sh: " + home.stderr.strip())
        _java = os.path.join(home.stdout, "bin", "java")
    return _java


def rcx(*args, stdin=None, timeout=60):
    """Runs ``java -jar target/rcx.jar ARGS`` to completion."""
    if not os.path.exists(JAR):
        raise RuntimeError("%s is missing: build it first with ./mvnw -B -DskipTests package" % JAR)
    return subprocess.run([java(), "-XX:TieredStopAtLevel=1", "-jar", JAR, *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout)


WHITELIST = """\
commands:
  - {name: echo, path: /bin/echo, max_args: 8, arg_patterns: [".*"], users: ["*"]}
  - {name: exit, path: %(dir)s/exit.sh, max_args: 1, arg_patterns: ["[0-9]{1,3}"], users: ["*"]}
  - {name: both, path: %(dir)s/both.sh, users: ["*"]}
  - {name: binary, path: %(dir)s/binary.sh, users: ["*"]}
  - {name: ticks, path: %(dir)s/ticks.sh, users: ["*"], timeout: 20s}
  - {name: pidsleep, path: %(dir)s/pidsleep.sh, users: ["*"], timeout: 60s}
"""

SCRIPTS = {
    "exit.sh": 'exit "$1"\n',
    "both.sh": "echo out; echo err >&2\n",
    "binary.sh": "printf '\\377\\376\\000abc'\n",
    "ticks.sh": "for i in 1 2 3; do echo tick$i; sleep 0.3; done\n",
    # Records its PID beside itself, says so, then becomes `sleep 60` (same PID).
    "pidsleep.sh": 'echo $$ > "$(dirname "$0")/pidsleep.pid"; echo started; exec sleep 60\n',
}


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="rcx-py-")
        self.data = os.path.join(self.dir, "data")
        scripts = os.path.join(self.dir, "scripts")
        os.makedirs(scripts)
        os.makedirs(self.data, mode=0o700)  # rcx user add does not create it
        for name, body in SCRIPTS.items():
            p = os.path.join(scripts, name)
            with open(p, "w") as f:
                f.write("#!/bin/sh\n" + body)
            os.chmod(p, 0o755)
        self.commands = os.path.join(self.dir, "commands.yaml")
        with open(self.commands, "w") as f:
            f.write(WHITELIST % {"dir": scripts})
        added = rcx("user", "add", USER, "--password-stdin", "--data-dir", self.data,
                    stdin=PASSWORD + "\n")
        if added.returncode != 0:
            raise RuntimeError("rcx user add failed: " + added.stderr)
        env = dict(os.environ, RCX_LOG_LEVEL="WARN")
        self.process = subprocess.Popen(
            [java(), "-XX:TieredStopAtLevel=1", "-jar", JAR, "server", "--data-dir", self.data,
             "--port", "0", "--commands", self.commands],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.port = None
        self.fingerprint = None
        self.output = []
        ready = threading.Event()

        def collect():
            for line in self.process.stdout:
                self.output.append(line.rstrip("\n"))
                m = re.search(r"listening on tls://[^:]+:(\d+)", line)
                if m:
                    self.port = int(m.group(1))
                m = re.search(r"certificate SHA-256 fingerprint: (\S+)", line)
                if m:
                    self.fingerprint = m.group(1)
                if self.port and self.fingerprint:
                    ready.set()
            ready.set()

        threading.Thread(target=collect, name="rcx-server-output", daemon=True).start()
        if not ready.wait(60) or not (self.port and self.fingerprint):
            self.close()
            raise RuntimeError("rcx server did not start within 60 s: %s" % self.output)

    @property
    def pidsleep_pid_file(self):
        """Where the ``pidsleep`` command records its PID."""
        return os.path.join(self.dir, "scripts", "pidsleep.pid")

    @property
    def certificate(self):
        return os.path.join(self.data, "server.crt")

    def audit_events(self, name):
        import json
        events = []
        with open(os.path.join(self.data, "audit.log"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    e = json.loads(line)
                    if e.get("event") == name:
                        events.append(e)
        return events

    def wait_for_audit(self, name, count, timeout=10, match=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len([e for e in self.audit_events(name) if match is None or match(e)]) >= count:
                return
            time.sleep(0.05)
        raise AssertionError("audit never had %d %s events" % (count, name))

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
