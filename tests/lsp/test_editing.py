"""End-to-end: completion ranked and filtered for people, namespaced elements with their
declaration, through VS Code's and Neovim's capability sets."""

from lsprotocol import types

from conftest import apply_edits, encoding, open_doc, position, slice_range, wait_for_version

URI = "file:///srv/vms/edit.xml"


async def complete(client, text, cursor):
    enc = encoding(client)
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=position(text, cursor, enc)
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    return sorted(items, key=lambda i: (i.sort_text or i.label, i.label))


async def test_domain_children_ranked_and_filtered(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n  <dev\n</domain>\n"
    cursor = text.index("<dev") + 4
    items = await complete(client, text, cursor)
    assert items[0].label == "devices"
    assert items[0].filter_text == "devices"
    assert slice_range(text, items[0].text_edit.range, enc) == "dev"
    assert items[0].preselect


async def test_machine_values_for_kvm(client):
    text = "<domain type='kvm'>\n  <os>\n    <type arch='x86_64' machine=''>hvm</type>\n  </os>\n</domain>\n"
    items = await complete(client, text, text.index("machine='") + len("machine='"))
    labels = [i.label for i in items]
    assert labels[:2] == ["q35", "pc"], labels
    assert any(label.startswith("pc-q35-") for label in labels)


async def test_namespaced_element_declares_its_prefix(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n  <name>a</name>\n  <qemu:\n</domain>\n"
    cursor = text.index("<qemu:") + len("<qemu:")
    items = await complete(client, text, cursor)
    assert items[0].label == "qemu:commandline"
    assert not any(i.label == "commandline" for i in items)
    edits = [items[0].text_edit, *items[0].additional_text_edits]
    after = apply_edits(text, edits, enc)
    assert "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" in after
    assert "<qemu:commandline>" in after
    # Other drivers' extensions are not offered on a kvm domain.
    text = "<domain type='kvm'>\n  <name>a</name>\n  <\n</domain>\n"
    labels = [i.label for i in await complete(client, text, text.index("  <\n") + 3)]
    assert "qemu:commandline" in labels, labels
    assert not [label for label in labels if label.split(":")[0] in ("lxc", "bhyve", "xen", "vmware")]


async def test_auto_close_request(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n  <devices>\n    <video>\n  </devices>\n</domain>\n"
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    uri = {"uri": URI}
    after_gt = text.index("<video>") + len("<video>")
    result = await client.protocol.send_request_async(
        "domxml/autoClose", {"textDocument": uri, "position": position(text, after_gt, enc), "ch": ">"}
    )
    assert result.snippet == "$0</video>"
    # On `/>` nothing.
    after_name = text.index("<video") + len("<video")
    result = await client.protocol.send_request_async(
        "domxml/autoClose", {"textDocument": uri, "position": position(text, after_name, enc), "ch": ">"}
    )
    assert result is None


async def test_rename_tag_pair_and_fix_mismatched_end_tag(client):
    enc = encoding(client)
    text = "<domain type='kvm'>\n  <devcies>\n    <disk type='file'/>\n  </devcies>\n</domain>\n"
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    at = position(text, text.index("devcies") + 2, enc)
    doc = types.TextDocumentIdentifier(uri=URI)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=at)
    )
    assert slice_range(text, prepared, enc) == "devcies"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc, position=at, new_name="devices")
    )
    after = apply_edits(text, edit.changes[URI], enc)
    assert "<devices>" in after and "</devices>" in after and "devcies" not in after


async def test_code_action_on_the_angle_bracket(client):
    enc = encoding(client)
    text = (
        "<domain type='kvm'>\n  <name>a</name>\n  <memory>1</memory>\n  <os><type>hvm</type></os>\n"
        "  <devcies>\n    <disk type='file'/>\n  </devcies>\n</domain>\n"
    )
    open_doc(client, URI, text)
    diags = await wait_for_version(client, URI, 1)
    lt = position(text, text.index("<devcies>"), enc)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(start=lt, end=lt),
            context=types.CodeActionContext(diagnostics=diags),
        )
    )
    fix = next(a for a in actions if a.title == "Replace 'devcies' with 'devices'")
    after = apply_edits(text, fix.edit.changes[URI], enc)
    assert "  <devices>\n    <disk type='file'/>\n  </devices>\n" in after


async def test_document_links_for_paths(client):
    enc = encoding(client)
    text = (
        "<domain type='kvm'>\n  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "    <disk type='file'><source file='/var/lib/libvirt/images/vm.qcow2'/></disk>\n  </devices>\n</domain>\n"
    )
    open_doc(client, URI, text)
    await wait_for_version(client, URI, 1)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    shown = [(slice_range(text, link.range, enc), link.target) for link in links]
    assert shown == [
        ("/usr/bin/qemu-system-x86_64", "file:///usr/bin/qemu-system-x86_64"),
        ("/var/lib/libvirt/images/vm.qcow2", "file:///var/lib/libvirt/images/vm.qcow2"),
    ]
