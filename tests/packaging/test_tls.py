"""``serve --tls`` and ``--tls-cert/--tls-key``: the same API over HTTPS, trusted through the printed CA file."""

from __future__ import annotations

import os
import re
import ssl
import sys
from pathlib import Path

import aiohttp
import pytest
import trustme

from mockgateway.cli import main
from tests.conftest import basic
from tests.packaging.process import Server, clean_environ, running

CA_LINE = re.compile(r"^mockgateway TLS certificate authority: (.+)$")
SERVE = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]


@pytest.fixture(autouse=True)
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MOCKGATEWAY_"):
            monkeypatch.delenv(name)


def printed_ca(server: Server) -> Path:
    [path] = [match.group(1) for line in server.output if (match := CA_LINE.match(line.strip()))]
    return Path(path)


async def send_through_livelink(base_url: str, context: ssl.SSLContext) -> dict[str, object]:
    """What a client that only speaks https:// does: a token, then a send."""
    async with aiohttp.ClientSession(base_url, connector=aiohttp.TCPConnector(ssl=context)) as http:
        auth = basic("demo-app-key", "demo-app-secret")
        async with http.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=auth) as answer:
            assert answer.status == 200, await answer.text()
            token = (await answer.json())["access_token"]
        body = {"destination": ["447700900003"], "message": "Hello over TLS"}
        async with http.post("/api/v2/sms", json=body, headers={"Authorization": f"Bearer {token}"}) as answer:
            assert answer.status == 200, await answer.text()
            result: dict[str, object] = await answer.json()
            return result


async def test_tls_serves_https_with_a_certificate_for_localhost_trusted_through_the_printed_ca() -> None:
    with running([*SERVE, "--tls"], clean_environ()) as server:
        assert server.url.startswith("https://127.0.0.1:")
        ca_file = printed_ca(server)
        context = ssl.create_default_context(cafile=str(ca_file))
        for host in ("127.0.0.1", "localhost"):  # the certificate names both
            answer = await send_through_livelink(f"https://{host}:{server.port}", context)
            assert answer["livelinkOrderIds"], answer
        with pytest.raises(aiohttp.ClientConnectorCertificateError):  # not a certificate anyone else trusts
            await send_through_livelink(server.url, ssl.create_default_context())
        assert server.stop() == 0
    assert not ca_file.exists()  # the temporary CA file goes with the server


def test_healthcheck_speaks_https_when_the_variables_turn_tls_on(monkeypatch: pytest.MonkeyPatch) -> None:
    with running([*SERVE, "--tls"], clean_environ()) as server:
        monkeypatch.setenv("MOCKGATEWAY_PORT", str(server.port))
        monkeypatch.setenv("MOCKGATEWAY_TLS", "true")
        assert main(["healthcheck", "--timeout", "10"]) == 0


async def test_tls_ca_out_writes_the_authority_where_asked(tmp_path: Path) -> None:
    ca_file = tmp_path / "certs" / "ca.pem"
    with running([*SERVE, "--tls", "--tls-ca-out", str(ca_file)], clean_environ()) as server:
        assert printed_ca(server) == ca_file
        await send_through_livelink(server.url, ssl.create_default_context(cafile=str(ca_file)))
    assert ca_file.exists()  # the user's own path is theirs to keep


async def test_tls_cert_and_key_serve_https_with_the_given_certificate(tmp_path: Path) -> None:
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    environ = clean_environ({"MOCKGATEWAY_TLS_KEY": str(key)})  # a variable works as well as a flag
    with running([*SERVE, "--tls-cert", str(cert)], environ) as server:
        assert server.url.startswith("https://")
        assert not any(CA_LINE.match(line.strip()) for line in server.output)  # no authority of its own
        context = ssl.create_default_context()
        authority.configure_trust(context)
        await send_through_livelink(server.url, context)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tls-cert", "server.pem"], "tls_cert and tls_key: give both"),
        (["--tls-ca-out", "ca.pem"], "tls_ca_out: only with tls and no tls_cert"),
        (["--tls", "--tls-ca-out", "ca.pem", "--tls-cert", "a.pem", "--tls-key", "a.key"], "tls_ca_out: only with"),
        (["--tls-key", "server.key"], "tls_cert and tls_key: give both"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing.key"], "tls_cert: cannot read missing.pem"),
        (["--tls-cert", "not-pem.txt", "--tls-key", "not-pem.txt"], "are not a PEM certificate chain and its key"),
    ],
)
def test_unusable_tls_files_stop_start_up_with_a_configuration_error(
    argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "not-pem.txt").write_text("hello\n", encoding="utf-8")
    assert main(["serve", "--port", "0", *argv]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mockgateway: configuration error: ")
    assert message in error
