"""Fixtures for the end-to-end tests: `domxml lsp` driven by pytest-lsp with the capability sets
of real editors (VS Code and Neovim)."""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("DOMXML_BIN", str(ROOT / "target" / "release" / "domxml"))
CLIENTS = ["visual-studio-code", "neovim"]


def make_client() -> LanguageClient:
    """The test client, also recording every publishDiagnostics with its version."""
    from pygls.client import default_converter  # noqa: PLC0415

    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish(c: LanguageClient, params: types.PublishDiagnosticsParams):
        c.diagnostics[params.uri] = params.diagnostics
        c.published.append(params)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


def server_env(host_schema_dirs: str = "") -> dict:
    """The server's environment: this machine's, but the host libvirt schemas it may have
    replaced by `host_schema_dirs` (empty: none), so every test means the host it says."""
    env = {k: v for k, v in os.environ.items() if k != "DOMXML_SCHEMA_PATH"}
    env["DOMXML_HOST_SCHEMA_DIRS"] = host_schema_dirs
    return env


LIBVIRT9_SCHEMAS = ROOT / "target" / "libvirt-9.0" / "usr" / "share" / "libvirt" / "schemas"

CONFIG = ClientServerConfig(
    server_command=[BINARY, "lsp"], client_factory=make_client, server_env=server_env()
)


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: LanguageClient, request):
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        initialization_options={"domxml": {"diagnostics": {"enable": True}}},
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.init_result = result
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()


async def wait_for_version(client: LanguageClient, uri: str, version: int, timeout: float = 10.0):
    """The diagnostics published for exactly this version of the document."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for p in reversed(client.published):
            if p.uri == uri and p.version is not None and p.version >= version:
                assert p.version == version, f"published for version {p.version}, expected {version}"
                return list(p.diagnostics)
        await asyncio.sleep(0.005)
    raise AssertionError(f"no diagnostics for {uri} version {version}")


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="xml", version=version, text=text)
        )
    )


def encoding(client: LanguageClient) -> str:
    return client.init_result.capabilities.position_encoding or "utf-16"


def position(text: str, offset: int, enc: str) -> types.Position:
    """LSP position of a character offset of `text` in the negotiated encoding."""
    before = text[:offset]
    line = before.count("\n")
    col_text = before[before.rfind("\n") + 1 :]
    if enc == "utf-8":
        col = len(col_text.encode("utf-8"))
    else:
        col = len(col_text.encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def offset_of(text: str, pos: types.Position, enc: str) -> int:
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return start + i
        units += len(ch.encode("utf-8")) if enc == "utf-8" else len(ch.encode("utf-16-le")) // 2
    return start + len(line)


def slice_range(text: str, r: types.Range, enc: str) -> str:
    return text[offset_of(text, r.start, enc) : offset_of(text, r.end, enc)]


def apply_edits(text: str, edits, enc: str) -> str:
    spans = sorted(
        ((offset_of(text, e.range.start, enc), offset_of(text, e.range.end, enc), e.new_text) for e in edits),
        reverse=True,
    )
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


@pytest.fixture
def domain_xml() -> str:
    return (ROOT / "tests" / "lsp" / "data" / "domain.xml").read_text()
