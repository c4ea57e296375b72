"""The server survives bad input: unknown methods, requests on unknown documents, huge files,
and 200 random incremental edits end with the same diagnostics as a fresh open."""

import asyncio
import random
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import BINARY, encoding, make_client, open_doc, position, wait_for_version

URI = "file:///srv/vms/random.xml"


async def test_unknown_method_is_method_not_found(client):
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("domxml/noSuchMethod", {})
    # Still serving.
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri="file:///nope.xml"), position=types.Position(line=0, character=0))
    )
    assert result is None


async def test_requests_out_of_range_do_not_fail(client, domain_xml):
    open_doc(client, URI, domain_xml)
    await wait_for_version(client, URI, 1)
    far = types.Position(line=10_000, character=10_000)
    ident = types.TextDocumentIdentifier(uri=URI)
    await client.text_document_hover_async(types.HoverParams(text_document=ident, position=far))
    await client.text_document_completion_async(types.CompletionParams(text_document=ident, position=far))
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=ident,
            range=types.Range(start=far, end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


FRAGMENTS = ["<", ">", "/>", "</", "'", '"', "=", " ", "\n", "disk", "<video>", "</video>", "type='vga'", "é", "𝄞", "&amp;", "<!--", "-->", "x"]


async def test_random_incremental_edits_match_a_fresh_open(client, domain_xml):
    enc = encoding(client)
    rng = random.Random(5)
    text = domain_xml
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    version = 1
    for _ in range(200):
        version += 1
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 2, 5]))
        new = rng.choice(FRAGMENTS) if rng.random() < 0.8 else ""
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=position(text, start, enc), end=position(text, end, enc)), text=new
                    )
                ],
            )
        )
        text = text[:start] + new + text[end:]
    final = await wait_for_version(client, URI, version)
    versions = [p.version for p in client.published if p.uri == URI]
    assert versions == sorted(versions), "diagnostics never go back to an older version"
    fresh_uri = "file:///srv/vms/random-fresh.xml"
    open_doc(client, fresh_uri, text)
    fresh = await wait_for_version(client, fresh_uri, 1)
    key = lambda d: (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code, d.message)
    assert sorted(map(key, final)) == sorted(map(key, fresh))


async def test_huge_document_stays_responsive(client, domain_xml):
    enc = encoding(client)
    disk = domain_xml[domain_xml.index("    <disk") : domain_xml.index("</disk>") + len("</disk>\n")]
    copies = 50 * 1024 * 1024 // len(disk) + 1
    head, tail = domain_xml.split("    <console")
    text = head + disk * copies + "    <console" + tail
    assert len(text) > 50 * 1024 * 1024
    uri = "file:///srv/vms/huge.xml"
    open_doc(client, uri, text)
    diags = await wait_for_version(client, uri, 1, timeout=60)
    assert any(d.code == "analysis-limited" and d.severity == types.DiagnosticSeverity.Information for d in diags), diags[:3]
    start = time.monotonic()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, text.index("4194304") + 1, enc))
    )
    assert hover is not None
    # An edit near the top is applied and analysed without re-reading the whole text.
    at = text.index("web1")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=position(text, at, enc), end=position(text, at + 4, enc)), text="web2")],
        )
    )
    await wait_for_version(client, uri, 2, timeout=60)
    assert time.monotonic() - start < 30
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[BINARY, "lsp"], client_factory=make_client, server_env={"DOMXML_SCHEMA_DEADLINE_MS": "1"}
    )
)
async def impatient(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def test_validation_overrunning_its_deadline_falls_back_to_syntax(impatient, domain_xml):
    """A validation slower than its deadline (1 ms here, for a 1 MB document) never freezes
    diagnostics: the well-formedness ones are published with a note."""
    disk = domain_xml[domain_xml.index("    <disk") : domain_xml.index("</disk>") + len("</disk>\n")]
    head, tail = domain_xml.split("    <console")
    text = head + disk * (1024 * 1024 // len(disk)) + "    <console" + tail + "<"
    open_doc(impatient, URI, text)
    diags = await wait_for_version(impatient, URI, 1, timeout=30)
    codes = sorted(d.code for d in diags)
    assert "analysis-limited" in codes, codes
    assert any(d.source == "domxml-syntax" for d in diags), codes
