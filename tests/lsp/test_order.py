"""End-to-end: an order of <domain>'s children that libvirt's validator (libxml2) refuses is
reported, and both the quick fix and the `source.libvirtOrder` source action reorder the
children as libvirt writes them, after which the document is clean."""

from lsprotocol import types

from conftest import apply_edits, encoding, open_doc, slice_range, wait_for_version

URI = "file:///srv/vms/order.xml"

# xmllint with libvirt 11.3's domain.rng: "Extra element vcpu in interleave".
REJECTED = """<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>4194304</memory>
  <on_crash>destroy</on_crash>
  <vcpu>1</vcpu>
  <on_reboot>restart</on_reboot>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
</domain>
"""

LIBVIRT_ORDER = """<domain type='kvm'>
  <name>t</name>
  <memory unit='KiB'>4194304</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
</domain>
"""


async def actions(client, rng, diagnostics, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=rng,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )


async def test_order_quick_fix_and_source_action(client):
    enc = encoding(client)
    kinds = client.init_result.capabilities.code_action_provider.code_action_kinds
    assert "source.libvirtOrder" in kinds
    open_doc(client, URI, REJECTED)
    diags = await wait_for_version(client, URI, 1)
    order = [d for d in diags if d.code == "libvirt-element-order"]
    assert len(order) == 1, diags
    d = order[0]
    assert slice_range(REJECTED, d.range, enc) == "vcpu"
    assert "virsh edit" in d.message and "virt-xml-validate" in d.message

    fixes = await actions(client, d.range, [d])
    fix = next(a for a in fixes if a.kind == types.CodeActionKind.QuickFix and "Reorder" in a.title)
    assert fix.title == "Reorder the children of <domain> as libvirt writes them"
    assert fix.diagnostics and fix.diagnostics[0].code == "libvirt-element-order"
    assert apply_edits(REJECTED, fix.edit.changes[URI], enc) == LIBVIRT_ORDER

    # Asked for source actions only (as "organize" commands do): just the reorder.
    start = types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
    source = await actions(client, start, [], only=[types.CodeActionKind.Source])
    assert [a.title for a in source] == ["Reorder elements as libvirt writes them"]
    assert source[0].kind == "source.libvirtOrder"
    edits = source[0].edit.changes[URI]
    assert apply_edits(REJECTED, edits, enc) == LIBVIRT_ORDER
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits],
        )
    )
    assert await wait_for_version(client, URI, 2) == []
    # In libvirt's order already: nothing to offer.
    assert not await actions(client, start, [], only=[types.CodeActionKind.Source])
