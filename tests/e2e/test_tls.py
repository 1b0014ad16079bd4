"""TLS on the listener ([server] tls_cert_file / tls_key_file), with a self-signed certificate
made by the openssl CLI for each test."""

import shutil
import socket
import subprocess

import pytest
import requests

from conftest import REQUEST_TIMEOUT, STOP_TIMEOUT, Api, new_api_key
from e2e_helpers import assert_json, unique

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="needs the openssl CLI (scripts/setup.sh installs it)")


def make_certificate(directory, name="server"):
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path)


def test_https_with_a_verified_certificate(make_server, certificate):
    cert, key = certificate
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    assert srv.url.startswith("https://")
    api = Api(srv)
    api.verify = str(cert)
    name = unique()
    assert api.put(f"/v2/queues/{name}").status_code == 201
    r = api.post(f"/v2/queues/{name}/messages", json={"messages": [{"body": "over tls"}]})
    assert r.status_code == 201, r.text
    body = assert_json(api.get(f"/v2/queues/{name}/messages", params={"echo": "true"}), 200)
    assert [m["body"] for m in body["messages"]] == ["over tls"]
    # Keep-alive: one TLS connection served every request above.
    assert requests.get(srv.url + "/", verify=str(cert), timeout=REQUEST_TIMEOUT).status_code == 300


def test_apikeys_over_tls(auth_server, certificate):
    cert, key = certificate
    worker = new_api_key("worker", "acme", ["member"])
    srv = auth_server([worker], server_tls_cert_file=cert, server_tls_key_file=key)
    api = Api(srv, project_id="acme", token=worker.key)
    api.verify = str(cert)
    assert api.get("/v2/queues").status_code == 200
    api.headers["X-Auth-Token"] = "wrong"
    assert api.get("/v2/queues").status_code == 401


def test_untrusted_certificate_and_plain_http_are_refused(make_server, certificate, tmp_path):
    cert, key = certificate
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(srv.url + "/", timeout=REQUEST_TIMEOUT)  # system CAs only
    other_cert, _ = make_certificate(tmp_path, "other")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(srv.url + "/", verify=str(other_cert), timeout=REQUEST_TIMEOUT)
    # Plain HTTP to the TLS port gets no HTTP answer.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=REQUEST_TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        try:
            while chunk := s.recv(4096):
                data += chunk
        except ConnectionResetError:
            pass
        assert not data.startswith(b"HTTP/")
    # The server is fine afterwards.
    assert requests.get(srv.url + "/", verify=str(cert), timeout=REQUEST_TIMEOUT).status_code == 300


def s_client(port, *options):
    """`openssl s_client` against the server; returns its output (stdout and stderr)."""
    done = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *options],
                          input=b"", capture_output=True, timeout=STOP_TIMEOUT)
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def test_tls_1_2_and_1_3_only(make_server, certificate):
    cert, key = certificate
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    assert "Protocol  : TLSv1.2" in s_client(srv.port, "-tls1_2")
    assert "New, TLSv1.3" in s_client(srv.port, "-tls1_3")
    # The client offers TLS 1.1 (allowed on its side at security level 0); the server's alert
    # refuses it.
    old = s_client(srv.port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
    assert "alert protocol version" in old, old


def test_shutdown_with_an_open_tls_connection(make_server, certificate):
    cert, key = certificate
    srv = make_server(server_tls_cert_file=cert, server_tls_key_file=key)
    api = Api(srv)
    api.verify = str(cert)
    assert api.get("/v2/queues").status_code == 200  # leaves a keep-alive connection open
    srv.stop()  # must exit cleanly and promptly (SIGTERM closes idle connections)


def test_unusable_certificate_files_stop_startup(tmp_path, certificate):
    import os
    from conftest import marconi_bin
    cert, key = certificate
    other_cert, other_key = make_certificate(tmp_path, "other")
    cases = [
        (tmp_path / "missing.pem", key, "TLS certificate"),
        (cert, tmp_path / "missing.key", "TLS private key"),
        (cert, other_key, "key values mismatch"),
    ]
    for cert_file, key_file, message in cases:
        env = dict(os.environ, MARCONI_SERVER_TLS_CERT_FILE=str(cert_file),
                   MARCONI_SERVER_TLS_KEY_FILE=str(key_file))
        done = subprocess.run([str(marconi_bin()), "serve", "--port", "0", "--storage-uri",
                               "sqlite://:memory:"], cwd=tmp_path, env=env,
                              capture_output=True, timeout=STOP_TIMEOUT)
        assert done.returncode != 0
        assert message in done.stderr.decode(), done.stderr.decode()
        assert b"listening" not in done.stdout
