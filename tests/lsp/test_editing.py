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
