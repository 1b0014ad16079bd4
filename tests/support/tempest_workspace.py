"""Zaqar's official API tests (Debian's zaqar-tempest-plugin, run by tempest) against a Marconi.

Workspace(workdir, identity_v3=...).write() lays out what `tempest init` would (etc/tempest.conf,
a lock and a log directory) without registering anything in ~/.tempest: tempest.conf points
tempest at a Keystone (identity v3, admin credentials, dynamic credentials: tempest creates a
project and a `member` user per test class and deletes them afterwards) and says Zaqar is
available; tempest finds Zaqar's URL in Keystone's catalog (service type `messaging`, the public
endpoint in REGION), so the caller must have registered it.

run(regex) runs `tempest run --serial --subunit` in the workspace (tempest writes its
.stestr.conf there) within a deadline and parses the subunit v2 stream into per-test results;
list_tests(regex) is what the same selection would run, so that tests that never ran (a class
whose resource_setup failed reports one `setUpClass (...)` failure instead of its tests) are
not lost.
"""

import dataclasses
import importlib.util
import io
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

PLUGIN = "zaqar_tempest_plugin"
# The plugin's test packages by API version (Zaqar serves v1, v1.1 and v2).
VERSION_PACKAGES = {"v1": "v1", "v1.1": "v1_1", "v2": "v2"}

CONFIG = """\
[DEFAULT]
debug = true
log_dir = {dir}/logs
log_file = tempest.log
use_stderr = false

[oslo_concurrency]
lock_path = {dir}/lock

[auth]
use_dynamic_credentials = true
admin_username = {admin_user}
admin_password = {admin_password}
admin_project_name = {admin_project}
admin_domain_name = {domain}
default_credentials_domain_name = {domain}
create_isolated_networks = false

[identity]
auth_version = v3
uri_v3 = {identity_v3}
region = {region}
v3_endpoint_type = public
disable_ssl_certificate_validation = true

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
zaqar = true
# Nothing else runs in this cloud (tempest's dynamic credentials would make networks with
# neutron).
neutron = false
nova = false
cinder = false
glance = false
swift = false

[messaging]
catalog_type = messaging
"""


STESTR_CONF = """\
[DEFAULT]
test_path={test_path}
top_dir={top_dir}
group_regex=([^\\.]*\\.)*
"""


def missing_tools():
    """What is missing to run the plugin's tests here: [] when everything is installed."""
    missing = []
    if shutil.which("tempest") is None:
        missing.append("tempest")
    if importlib.util.find_spec(PLUGIN) is None:
        missing.append(f"{PLUGIN} (zaqar-tempest-plugin)")
    return missing


def version_regex(version):
    """The stestr selection of the plugin's tests of one API version ("v1", "v1.1", "v2")."""
    return rf"^{PLUGIN}\.tests\.{VERSION_PACKAGES[version]}\."


@dataclasses.dataclass
class TestResult:
    id: str
    status: str  # subunit's: success, fail, skip, xfail, uxsuccess, ...
    details: dict  # detail name -> text (traceback, reason, pythonlogging, ...)
    seconds: float | None

    def tail(self):
        """What failed, in a few lines: the exception with its message and the plugin's line
        that raised it (from the traceback), or the reason of a skip."""
        text = self.details.get("traceback") or self.details.get("reason") or ""
        if not text:
            return "; ".join(f"{k}: {v.strip()[-300:]}" for k, v in self.details.items()
                             if k not in ("pythonlogging", "stdout", "stderr"))
        lines = text.rstrip().splitlines()
        frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
        if not frames:
            return "\n".join(lines[-3:])
        # The exception: the lines after the last frame and its source line.
        exception = [line for line in lines[frames[-1] + 1:] if not line.startswith("    ")]
        # The deepest frame in a test module (tests/v2/test_*.py), else in tests/base.py.
        plugin = ([i for i in frames if re.search(rf"/{PLUGIN}/tests/v[\w]+/", lines[i])]
                  or [i for i in frames if f"/{PLUGIN}/tests/" in lines[i]])
        where = []
        if plugin:
            where = [lines[plugin[-1]].strip()]
            if plugin[-1] + 1 < len(lines) and lines[plugin[-1] + 1].startswith("    "):
                where.append("  " + lines[plugin[-1] + 1].strip())
        return "\n".join(exception + where)


# tempest's rest_client logs every request as
# "Request (TestClass:test_method): 404 GET http://host:port/v2/queues/x 0.002s".
REQUEST_RE = re.compile(r"Request \((\w+):(\w+)\): (\d{3}) ([A-Z]+) (\S+)")
# Test ids: "pkg.module.Class.test_method[id-...,negative]" or "setUpClass (pkg.module.Class)".
TEST_ID_RE = re.compile(r"^[\w.]*?\.?(\w+)\.(\w+)(?:\[.*\])?$")
FIXTURE_ID_RE = re.compile(r"^(\w+) \([\w.]*\.(\w+)\)$")


def http_requests(log_text):
    """(class, method) -> [(status, HTTP method, path)] in the order tempest logged them."""
    found = {}
    for m in REQUEST_RE.finditer(log_text):
        path = re.sub(r"^https?://[^/]+", "", m.group(5))
        found.setdefault((m.group(1), m.group(2)), []).append(
            (int(m.group(3)), m.group(4), path))
    return found


def requests_key(test_id):
    m = FIXTURE_ID_RE.match(test_id)
    if m:
        return m.group(2), m.group(1)
    m = TEST_ID_RE.match(test_id)
    return (m.group(1), m.group(2)) if m else None


@dataclasses.dataclass
class Run:
    selected: list  # test ids the selection lists
    results: dict  # test id -> TestResult (includes setUpClass/tearDownClass entries)
    returncode: int
    seconds: float
    log_path: pathlib.Path
    stderr: str
    _requests: dict = None

    def by_status(self, status):
        return [r for r in self.results.values() if r.status == status]

    def not_run(self):
        """Selected tests that never ran: missing from the stream, or only enumerated
        (`exists`: stestr's status for the tests of a class whose setUpClass failed or was
        skipped; that setUpClass entry says why)."""
        return [t for t in self.selected
                if t not in self.results or self.results[t].status == "exists"]

    def problems(self):
        """Every result that is neither a pass nor a skip, and every listed test that never
        ran: a selected test that did not run has not passed."""
        bad = [r for r in self.results.values()
               if r.status not in ("success", "skip", "exists")]
        return bad, self.not_run()

    def summary(self):
        count = {s: len(self.by_status(s)) for s in ("success", "fail", "skip")}
        others = len(self.results) - sum(count.values()) - len(self.by_status("exists"))
        return (f"{len(self.selected)} selected: {count['success']} passed, {count['fail']} "
                f"failed, {count['skip']} skipped, {len(self.not_run())} never ran"
                + (f", {others} other results" if others else "")
                + f" ({self.seconds:.0f} s)")

    def requests(self, test_id):
        """The HTTP requests tempest logged for one test (or class fixture)."""
        if self._requests is None:
            text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            self._requests = http_requests(text)
        return self._requests.get(requests_key(test_id), [])

    def describe(self, result):
        """A failure: its exception and, from tempest's log, the test's last request and its
        last request that was answered with an error, if another."""
        out = [result.tail()]
        sent = self.requests(result.id)
        if sent:
            last = sent[-1]
            errors = [r for r in sent if r[0] >= 400]
            out.append("last request: %d %s %s" % last)
            if errors and errors[-1] is not last:
                out.append("last error: %d %s %s" % errors[-1])
        return "\n".join(out)

    def report(self):
        out = [self.summary()]
        bad, never = self.problems()
        for r in sorted(bad, key=lambda r: r.id):
            out.append(f"FAIL {r.id}\n    " + self.describe(r).replace("\n", "\n    "))
        for t in never:
            out.append(f"NOT RUN {t}")  # see its class's setUpClass above
        for r in sorted(self.by_status("skip"), key=lambda r: r.id):
            out.append(f"SKIP {r.id}: {r.tail()}")
        out.append(f"tempest log: {self.log_path}")
        return "\n".join(out)


def parse_subunit(data):
    """A subunit v2 byte stream -> {test id: TestResult}."""
    import subunit  # python3-subunit, a dependency of tempest
    import testtools

    results = {}

    def on_test(test):
        details = {}
        for name, content in test["details"].items():
            try:
                details[name] = content.as_text()
            except Exception:  # a binary attachment
                details[name] = repr(b"".join(content.iter_bytes())[:200])
        start, stop = test["timestamps"]
        seconds = (stop - start).total_seconds() if start and stop else None
        results[test["id"]] = TestResult(test["id"], test["status"], details, seconds)

    sink = testtools.StreamToDict(on_test)
    sink.startTestRun()
    subunit.ByteStreamToStreamResult(io.BytesIO(data), non_subunit_name="stdout").run(sink)
    sink.stopTestRun()
    results.pop(None, None)  # non-test output (the stdout pseudo-entry)
    return results


class Workspace:
    """One tempest workspace directory pointing at one Keystone."""

    def __init__(self, workdir, identity_v3, admin_user, admin_password, admin_project,
                 domain="Default", region="RegionOne"):
        self.dir = pathlib.Path(workdir)
        self.settings = dict(identity_v3=identity_v3, admin_user=admin_user,
                             admin_password=admin_password, admin_project=admin_project,
                             domain=domain, region=region)
        self.config = self.dir / "etc" / "tempest.conf"
        self.log_path = self.dir / "logs" / "tempest.log"

    def write(self):
        for sub in ("etc", "logs", "lock", "tmp"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.config.write_text(CONFIG.format(dir=self.dir, **self.settings))
        # What `tempest init` writes: stestr discovers tests through tempest's test_discover,
        # which loads the installed plugins' tests; then an empty stestr repository.
        tempest_dir = pathlib.Path(importlib.util.find_spec("tempest").origin).parent
        (self.dir / ".stestr.conf").write_text(STESTR_CONF.format(
            test_path=tempest_dir / "test_discover", top_dir=tempest_dir))
        done = subprocess.run([sys.executable, "-m", "stestr", "init"], cwd=self.dir,
                              env=self._env(0), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"stestr init failed ({done.returncode}):\n"
                               f"{done.stdout.decode(errors='replace')}"
                               f"{done.stderr.decode(errors='replace')}")
        return self

    def _env(self, test_timeout):
        env = dict(os.environ)
        # The lock directory tempest derives from the temp dir, and anything a test writes
        # there, stay in the workspace; HOME too (nothing lands in ~/.tempest or ~/.stestr).
        env.update(TMPDIR=str(self.dir / "tmp"), HOME=str(self.dir), PYTHON=sys.executable,
                   OS_TEST_TIMEOUT=str(test_timeout))
        for name in list(env):
            if name.startswith("OS_") and name != "OS_TEST_TIMEOUT":
                del env[name]  # openstack client settings of the caller's shell
        return env

    def _tempest(self, args, timeout, test_timeout=0):
        """Runs `tempest ARGS` in the workspace in its own process group; on timeout the whole
        group (tempest, stestr and its worker) is killed and TimeoutError raised."""
        proc = subprocess.Popen(["tempest", *args, "--config-file", str(self.config)],
                                cwd=self.dir, env=self._env(test_timeout),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise TimeoutError(f"tempest {' '.join(args)} did not finish within {timeout} s; "
                               f"stderr tail:\n{err.decode(errors='replace')[-3000:]}")
        return proc.returncode, out, err.decode(errors="replace")

    def list_tests(self, regex, timeout=300):
        rc, out, err = self._tempest(["run", "--list-tests", "--regex", regex], timeout)
        if rc != 0:
            raise RuntimeError(f"tempest run --list-tests failed ({rc}):\n{err[-3000:]}")
        pattern = re.compile(regex)
        return [line.strip() for line in out.decode(errors="replace").splitlines()
                if pattern.search(line.strip())]

    def run(self, regex, timeout, test_timeout):
        started = time.monotonic()
        selected = self.list_tests(regex)
        rc, out, err = self._tempest(["run", "--serial", "--subunit", "--regex", regex],
                                     timeout, test_timeout)
        (self.dir / "results.subunit").write_bytes(out)  # for subunit2pyunit, subunit-trace
        return Run(selected=selected, results=parse_subunit(out), returncode=rc,
                   seconds=time.monotonic() - started, log_path=self.log_path, stderr=err)
