"""End-to-end: open, edit, complete, hover, diagnose, fix and format through a real LSP client,
once with VS Code's capabilities (UTF-16 positions) and once with Neovim's (UTF-8)."""

import asyncio

from lsprotocol import types

from conftest import (
    apply_edits,
    encoding,
    open_doc,
    position,
    slice_range,
    wait_for_version,
)

URI = "file:///srv/vms/web1.xml"


def change(client, uri, version, text, start, end, new, enc):
    """Send one incremental change replacing text[start:end] by new; returns the new text."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=position(text, start, enc), end=position(text, end, enc)),
                    text=new,
                )
            ],
        )
    )
    return text[:start] + new + text[end:]


async def test_open_is_clean_and_negotiates_encoding(client, domain_xml):
    enc = encoding(client)
    assert enc == ("utf-8" if client.client_name == "neovim" else "utf-16")
    open_doc(client, URI, domain_xml)
    assert await wait_for_version(client, URI, 1) == []


async def test_incremental_edits_and_versions(client, domain_xml):
    enc = encoding(client)
    open_doc(client, URI, domain_xml)
    await wait_for_version(client, URI, 1)
    text = domain_xml
    # Break the <name> end tag, then repair it, in two separate changes.
    at = text.index("</name>")
    text = change(client, URI, 2, text, at + 2, at + 6, "nmae", enc)
    diags = await wait_for_version(client, URI, 2)
    assert any(d.code == "mismatched-end-tag" or d.source == "domxml-syntax" for d in diags), diags
    text = change(client, URI, 3, text, at + 2, at + 6, "name", enc)
    assert await wait_for_version(client, URI, 3) == []
    # A stale change (older version) is dropped: nothing breaks.
    text_stale = change(client, URI, 2, text, 0, 0, "<<<", enc)
    assert text_stale != text
    text = change(client, URI, 4, text, at, at, "", enc)
    assert await wait_for_version(client, URI, 4) == []


async def test_non_ascii_positions(client, domain_xml):
    enc = encoding(client)
    text = domain_xml.replace("<name>web1</name>", "<name>wéb𝄞</name><description>ça 𝄞</description><bogus/>")
    open_doc(client, URI, text)
    diags = await wait_for_version(client, URI, 1)
    names = [slice_range(text, d.range, enc) for d in diags]
    assert "bogus" in names, (names, diags)


async def test_completion_watchdog_action(client, domain_xml):
    enc = encoding(client)
    text = domain_xml.replace("<watchdog model='i6300esb' action='reset'/>", '<watchdog model="i6300esb" action=""/>')
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    cursor = text.index('action=""') + len('action="')
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=position(text, cursor, enc),
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character='"'),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = [i.label for i in items]
    for expected in ["reset", "shutdown", "poweroff", "pause", "none", "dump", "inject-nmi"]:
        assert expected in labels, labels
    reset = next(i for i in items if i.label == "reset")
    assert reset.documentation is not None
    edit = reset.text_edit
    assert slice_range(text, edit.range, enc) == ""
    assert position(text, cursor, enc) == edit.range.start


async def test_completion_partial_value_and_elements(client, domain_xml):
    enc = encoding(client)
    text = domain_xml.replace("<watchdog model='i6300esb' action='reset'/>", "<watchdog model='i6300esb' action='po'/>\n    <")
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    cursor = text.index("action='po") + len("action='po")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(text, cursor, enc))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    poweroff = next(i for i in items if i.label == "poweroff")
    assert slice_range(text, poweroff.text_edit.range, enc) == "po"
    # Element completion after a bare `<` inside <devices>.
    cursor = text.index("\n    <\n") + len("\n    <")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(text, cursor, enc))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    by_label = {i.label: i for i in items}
    assert "disk" in by_label and "hostdev" in by_label and "rng" in by_label, sorted(by_label)
    rng = by_label["rng"]
    assert rng.text_edit.new_text.startswith("rng model=")
    assert "</rng>" in rng.text_edit.new_text
    assert rng.insert_text_format == types.InsertTextFormat.Snippet
    # <devices> is closed already: its end tag is not offered.
    assert "/devices" not in by_label


async def test_attribute_completion_retriggers(client, domain_xml):
    enc = encoding(client)
    text = domain_xml.replace("<memballoon model='virtio'/>", "<memballoon model='virtio' />")
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    cursor = text.index("<memballoon model='virtio' ") + len("<memballoon model='virtio' ")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(text, cursor, enc))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = [i.label for i in items]
    assert "autodeflate" in labels and "model" not in labels, labels
    item = next(i for i in items if i.label == "autodeflate")
    assert item.text_edit.new_text == "autodeflate='$1'"
    assert item.command is not None and item.command.command == "editor.action.triggerSuggest"


async def test_end_tag_completion(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n  <devices>\n  </"
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(text, len(text), enc))
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    assert [i.label for i in items] == ["devices"]
    assert items[0].text_edit.new_text == "devices>"


async def test_hover_memballoon_and_numbers(client, domain_xml):
    enc = encoding(client)
    open_doc(client, URI, domain_xml)
    await wait_for_version(client, URI, 1)
    at = domain_xml.index("<memballoon") + 3
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(domain_xml, at, enc))
    )
    assert hover is not None
    md = hover.contents.value
    assert "memballoon" in md and "balloon" in md.lower()
    assert "libvirt" in md
    assert slice_range(domain_xml, hover.range, enc) == "memballoon"
    # Memory with a unit, in readable units.
    at = domain_xml.index("4194304")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(domain_xml, at + 2, enc))
    )
    assert "4194304 KiB = 4 GiB" in hover.contents.value
    # A hex PCI address in other bases.
    at = domain_xml.index("bus='0x04'") + 6
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(domain_xml, at, enc))
    )
    assert "4 (decimal)" in hover.contents.value


async def test_vgaa_diagnostic_and_quick_fix(client, domain_xml):
    enc = encoding(client)
    text = domain_xml.replace("<model type='vga' vram", "<model type='vgaa' vram")
    open_doc(client, URI, text)
    diags = await wait_for_version(client, URI, 1)
    bad = [d for d in diags if slice_range(text, d.range, enc) == "vgaa"]
    assert len(bad) == 1, diags
    d = bad[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.code == "invalid-value"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    fix = next(a for a in actions if "vga" in a.title and a.is_preferred)
    assert fix.diagnostics and fix.diagnostics[0].code == "invalid-value"
    edits = fix.edit.changes[URI]
    fixed = apply_edits(text, edits, enc)
    assert fixed == domain_xml
    # Apply it as the editor would, then the problem is gone.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits],
        )
    )
    assert await wait_for_version(client, URI, 2) == []


async def test_formatting(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n<name>x</name>\n      <devices>  <!-- keep -->\n<disk type=\"file\"   device='disk'  ><target dev='vda'/></disk></devices>\n</domain>"
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    # The editor's tabSize: 4 (nothing set in domxml.format.*).
    assert apply_edits(text, edits, enc) == (
        "<domain type='kvm'>\n    <name>x</name>\n    <devices>\n        <!-- keep -->\n"
        "        <disk type=\"file\" device='disk'>\n            <target dev='vda'/>\n        </disk>\n    </devices>\n</domain>\n"
    )
    # domxml.format.indentWidth set: it wins.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"format": {"indentWidth": 2}}})
    )
    await asyncio.sleep(0.2)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert apply_edits(text, edits, enc) == (
        "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <!-- keep -->\n"
        "    <disk type=\"file\" device='disk'>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>\n"
    )


async def test_structure_features(client, domain_xml):
    enc = encoding(client)
    open_doc(client, URI, domain_xml)
    await wait_for_version(client, URI, 1)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    devices = next(c for c in symbols[0].children if c.name == "devices")
    names = [c.name for c in devices.children]
    assert "disk vda (file qcow2)" in names and "interface br0 virtio" in names, names
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert any(f.start_line == 0 for f in folds)
    at = domain_xml.index("<devices>") + 2
    linked = await client.text_document_linked_editing_range_async(
        types.LinkedEditingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(domain_xml, at, enc))
    )
    assert [slice_range(domain_xml, r, enc) for r in linked.ranges] == ["devices", "devices"]
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=types.TextDocumentIdentifier(uri=URI), position=position(domain_xml, at, enc))
    )
    assert len(highlights) == 2
    selections = await client.text_document_selection_range_async(
        types.SelectionRangeParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            positions=[position(domain_xml, domain_xml.index("qcow2") + 1, enc)],
        )
    )
    assert slice_range(domain_xml, selections[0].range, enc) == "qcow2"
    assert slice_range(domain_xml, selections[0].parent.range, enc) == "'qcow2'"


async def test_settings_disable_diagnostics_and_change_schema(client, domain_xml):
    text = domain_xml.replace("<model type='vga' vram", "<model type='vgaa' vram")
    open_doc(client, URI, text)
    assert len(await wait_for_version(client, URI, 1)) == 1
    before = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"diagnostics": {"enable": False}}})
    )
    for _ in range(400):
        if len(client.published) > before:
            break
        await asyncio.sleep(0.01)
    assert list(client.published[-1].diagnostics) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"diagnostics": {"enable": True}, "schema": {"path": "/nonexistent/domain.rng"}}})
    )
    for _ in range(400):
        if client.published[-1].diagnostics:
            break
        await asyncio.sleep(0.01)
    # A bad schema path is reported and the previous schema keeps working.
    assert len(client.published[-1].diagnostics) == 1
    assert any("nonexistent" in m.message for m in client.messages)


async def test_other_xml_gets_syntax_only(client):
    uri = "file:///home/u/pom.xml"
    text = "<project><bogus attr='1'/><a></b></project>"
    open_doc(client, uri, text)
    diags = await wait_for_version(client, uri, 1)
    assert diags and all(d.source == "domxml-syntax" for d in diags)


async def test_virsh_temp_file_is_libvirt(client, domain_xml):
    uri = "file:///tmp/virshQ3x9Zk.xml"
    text = domain_xml.replace("<model type='vga' vram", "<model type='vgaa' vram")
    open_doc(client, uri, text)
    diags = await wait_for_version(client, uri, 1)
    assert [d.code for d in diags] == ["invalid-value"]


async def test_status_request_and_schema_path(client, domain_xml, tmp_path):
    status = await client.protocol.send_request_async("domxml/status", {})
    assert status.schema.kind == "builtin" and status.schema.libvirtVersion
    # A schema directory on disk (libvirt's own layout): point at it, documents revalidate.
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "domain.rng").write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="domain">'
        '<attribute name="type"/><zeroOrMore><element name="name"><text/></element></zeroOrMore>'
        "</element></start></grammar>"
    )
    open_doc(client, URI, "<domain type='kvm'><name>a</name><memory>1</memory></domain>")
    assert await wait_for_version(client, URI, 1) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"schema": {"path": str(schemas)}}})
    )
    for _ in range(500):
        if client.published[-1].diagnostics:
            break
        await asyncio.sleep(0.01)
    diags = client.published[-1].diagnostics
    assert [d.code for d in diags] == ["element-not-allowed"] or [d.code for d in diags] == ["unknown-element"], diags
    status = await client.protocol.send_request_async("domxml/status", {})
    assert status.schema.kind == "path" and status.schema.path == str(schemas / "domain.rng")


async def test_range_formatting_touches_only_the_range(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n<name>x</name>\n<devices>\n<disk type='file'/>\n</devices>\n</domain>\n"
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    start = text.index("<disk")
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=position(text, start, enc), end=position(text, start + 5, enc)),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert apply_edits(text, edits, enc) == text.replace("\n<disk", "\n    <disk")


async def test_inlay_hints_for_sizes(client, domain_xml):
    enc = encoding(client)
    open_doc(client, URI, domain_xml)
    await wait_for_version(client, URI, 1)
    end = domain_xml.count("\n")
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=end, character=0)),
        )
    )
    at = domain_xml.index("4194304") + len("4194304")
    assert any(h.label == "= 4 GiB" and h.position == position(domain_xml, at, enc) for h in hints), hints


async def test_close_and_reopen_with_a_lower_version(client, domain_xml):
    open_doc(client, URI, domain_xml, version=50)
    assert await wait_for_version(client, URI, 50) == []
    # Keep the analysis busy with a big document so that the close and the reopen queue up
    # together behind it.
    disk = domain_xml[domain_xml.index("    <disk") : domain_xml.index("</disk>") + len("</disk>\n")]
    head, tail = domain_xml.split("    <console")
    open_doc(client, "file:///srv/vms/busy.xml", head + disk * 8000 + "    <console" + tail)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    client.published.clear()  # versions start again after a reopen
    text = domain_xml.replace("<model type='vga' vram", "<model type='vgaa' vram")
    open_doc(client, URI, text, version=1)
    diags = await wait_for_version(client, URI, 1)
    assert [d.code for d in diags] == ["invalid-value"]


LIBVIRT_SCHEMAS = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "libvirt-11.3.0" / "schemas"


async def test_schema_directory_validates_each_kind_with_its_own_file(client):
    import pytest  # noqa: PLC0415

    if not LIBVIRT_SCHEMAS.is_dir():
        pytest.skip(f"SKIPPED: {LIBVIRT_SCHEMAS} not found")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"domxml": {"schema": {"path": str(LIBVIRT_SCHEMAS)}}})
    )
    await asyncio.sleep(0.3)
    good = "<network>\n  <name>lab</name>\n  <bridge name='virbr1'/>\n  <forward mode='nat'/>\n</network>\n"
    open_doc(client, "file:///srv/nets/lab.xml", good)
    assert await wait_for_version(client, "file:///srv/nets/lab.xml", 1) == []
    # network.rng, not domain.rng, judges it: <forward mode> has its own value set there.
    bad = good.replace("mode='nat'", "mode='natt'")
    open_doc(client, "file:///srv/nets/bad.xml", bad)
    diags = await wait_for_version(client, "file:///srv/nets/bad.xml", 1)
    assert [d.code for d in diags] == ["invalid-value"], diags
    assert "nat" in diags[0].message


async def test_hover_says_since_which_libvirt(client):
    enc = encoding(client)
    uri = URI.replace(".xml", "-since.xml")
    text = "<domain type='kvm'><name>a</name><devices><watchdog model='itco'/></devices></domain>"
    open_doc(client, uri, text)
    await wait_for_version(client, uri, 1)

    async def hover_at(offset):
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(text, offset, enc))
        )
        assert hover is not None
        return hover.contents.value

    assert "Since libvirt 9.1" in await hover_at(text.index("itco") + 1)
    assert "Since libvirt 0.7.3 (QEMU)" in await hover_at(text.index("<watchdog") + 2)
