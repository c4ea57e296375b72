"""The server on a machine with libvirt installed: host schemas (Debian bookworm's libvirt 9.0,
fetched by tests/setup/40-libvirt9-schemas.sh) are discovered, older-than-catalogue constructs
are drift warnings, and the setting `builtin` wins over them."""

import asyncio
import os

import pytest
import pytest_lsp
from conftest import (
    BINARY,
    CLIENTS,
    LIBVIRT9_SCHEMAS,
    make_client,
    open_doc,
    server_env,
    wait_for_version,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

if not (LIBVIRT9_SCHEMAS / "domain.rng").is_file():
    if os.environ.get("CI"):
        raise RuntimeError(f"libvirt 9.0 schemas are required under CI: {LIBVIRT9_SCHEMAS}")
    pytest.skip("SKIPPED: libvirt 9.0 schemas absent (tests/fetch-libvirt-9.sh)", allow_module_level=True)

HOST = ClientServerConfig(
    server_command=[BINARY, "lsp"],
    client_factory=make_client,
    server_env=server_env(str(LIBVIRT9_SCHEMAS)),
)

URI = "file:///srv/vms/host.xml"
DOC = """<domain type='kvm'><name>a</name><memory>1024</memory>
<os><type machine='q35'>hvm</type></os>
<devices><watchdog model='itco' action='reset'/></devices></domain>
"""


@pytest_lsp.fixture(config=HOST, params=CLIENTS)
async def host_client(lsp_client: LanguageClient, request):
    params = types.InitializeParams(capabilities=client_capabilities(request.param))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_host_schemas_are_discovered_with_drift(host_client):
    status = await host_client.protocol.send_request_async("domxml/status", {})
    assert status.schema.kind == "host"
    assert status.schema.libvirtVersion.startswith("9.0")
    open_doc(host_client, URI, DOC)
    diags = await wait_for_version(host_client, URI, 1)
    assert [d.code for d in diags] == ["version-drift"], diags
    assert diags[0].severity == types.DiagnosticSeverity.Warning
    assert "libvirt 9.0" in diags[0].message


async def test_builtin_setting_wins_over_host_schemas(host_client):
    host_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"schema": {"path": "builtin"}}})
    )
    for _ in range(500):
        status = await host_client.protocol.send_request_async("domxml/status", {})
        if status.schema.kind == "builtin":
            break
        await asyncio.sleep(0.01)
    assert status.schema.kind == "builtin"
    open_doc(host_client, URI, DOC)
    assert await wait_for_version(host_client, URI, 1) == []


async def test_a_second_watchdog_is_named_as_such(host_client):
    uri = URI.replace("host", "two-watchdogs")
    # ib700 is an ISA card: an i440fx machine takes it beside the PCI i6300esb.
    text = DOC.replace("machine='q35'", "machine='pc'").replace(
        "<watchdog model='itco' action='reset'/>",
        "<watchdog model='i6300esb'/><watchdog model='ib700'/>",
    )
    open_doc(host_client, uri, text)
    diags = await wait_for_version(host_client, uri, 1)
    assert [d.code for d in diags] == ["version-drift"], diags
    assert "allows only one <watchdog> in <devices>: this second one" in diags[0].message
