"""End-to-end: go to definition, find references and highlights of the ids a domain uses for
its own parts (iothreads, NUMA cells, vCPUs, boot orders)."""

from lsprotocol import types

from conftest import encoding, offset_of, open_doc, position, wait_for_version

URI = "file:///srv/vms/ids.xml"

# A non-ASCII title, so UTF-8 and UTF-16 columns differ on the lines that follow it.
DOMAIN = """<domain type='kvm'>
  <name>ids</name>
  <title>Ünïcödé</title> <!-- é --> <iothreadids><iothread id='1'/><iothread id='2'/></iothreadids>
  <memory unit='GiB'>2</memory>
  <vcpu placement='static'>4</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes' hotpluggable='no'/>
    <vcpu id='1' enabled='yes' hotpluggable='no'/>
    <vcpu id='2' enabled='yes' hotpluggable='no'/>
    <vcpu id='3' enabled='no' hotpluggable='yes'/>
  </vcpus>
  <cputune>
    <vcpupin vcpu='3' cpuset='1'/>
    <iothreadpin iothread='2' cpuset='0'/>
  </cputune>
  <numatune>
    <memnode cellid='1' mode='strict' nodeset='0'/>
  </numatune>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <cpu>
    <numa>
      <cell id='0' cpus='0-1' memory='1' unit='GiB'/>
      <cell id='1' cpus='2-3' memory='1' unit='GiB'/>
    </numa>
  </cpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' iothread='2'/>
      <source file='/var/lib/libvirt/images/ids.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <boot order='1'/>
    </interface>
  </devices>
</domain>
"""


def text_doc():
    return types.TextDocumentIdentifier(uri=URI)


def after(needle: str, nth: int = 0) -> int:
    at = -1
    for _ in range(nth + 1):
        at = DOMAIN.index(needle, at + 1)
    return at + len(needle)


def lines_of(locations, enc):
    """Each location as the trimmed source line it points into, checking the range covers an id."""
    out = []
    for loc in locations:
        assert loc.uri == URI
        start = offset_of(DOMAIN, loc.range.start, enc)
        end = offset_of(DOMAIN, loc.range.end, enc)
        assert DOMAIN[start:end].isdigit(), DOMAIN[start:end]
        line_start = DOMAIN.rfind("\n", 0, start) + 1
        out.append((DOMAIN[line_start : DOMAIN.index("\n", start)].strip(), DOMAIN[start:end]))
    return out


async def test_capabilities_advertise_navigation(client):
    caps = client.init_result.capabilities
    assert caps.definition_provider
    assert caps.references_provider


async def test_definition_of_iothread_vcpu_and_cell(client):
    enc = encoding(client)
    open_doc(client, URI, DOMAIN)
    await wait_for_version(client, URI, 1)

    async def definition(at):
        result = await client.text_document_definition_async(
            types.DefinitionParams(text_document=text_doc(), position=position(DOMAIN, at, enc))
        )
        return lines_of(result or [], enc)

    found = await definition(after("iothread='"))
    assert len(found) == 1 and found[0][0].startswith("<title>") and found[0][1] == "2"
    # The found range is the second <iothread>'s id, after the non-ASCII title.
    assert await definition(after("<vcpupin vcpu='")) == [("<vcpu id='3' enabled='no' hotpluggable='yes'/>", "3")]
    assert await definition(after("cellid='")) == [("<cell id='1' cpus='2-3' memory='1' unit='GiB'/>", "1")]
    assert await definition(after("<disk type='")) == []


async def test_references_and_highlights_of_an_iothread(client):
    enc = encoding(client)
    open_doc(client, URI, DOMAIN)
    await wait_for_version(client, URI, 1)
    at = after("<iothread id='", 1)
    pos = position(DOMAIN, at, enc)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=text_doc(), position=pos, context=types.ReferenceContext(include_declaration=False)
        )
    )
    assert [line for line, _ in lines_of(refs, enc)] == [
        "<iothreadpin iothread='2' cpuset='0'/>",
        "<driver name='qemu' type='qcow2' iothread='2'/>",
    ]
    with_decl = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=text_doc(), position=pos, context=types.ReferenceContext(include_declaration=True)
        )
    )
    assert len(with_decl) == 3
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=text_doc(), position=pos)
    )
    kinds = sorted(h.kind for h in highlights)
    assert kinds == [types.DocumentHighlightKind.Read, types.DocumentHighlightKind.Read, types.DocumentHighlightKind.Write]
    # The declaration's highlight is exactly the id under the cursor.
    write = next(h for h in highlights if h.kind == types.DocumentHighlightKind.Write)
    assert offset_of(DOMAIN, write.range.start, enc) == at


async def test_boot_orders_reference_each_other(client):
    enc = encoding(client)
    open_doc(client, URI, DOMAIN)
    await wait_for_version(client, URI, 1)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=text_doc(),
            position=position(DOMAIN, after("<boot order='"), enc),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert [value for _, value in lines_of(refs, enc)] == ["2", "1"]
    # Tag-name highlights still work where there is no id.
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=text_doc(), position=position(DOMAIN, after("<devi"), enc))
    )
    assert [h.kind for h in highlights] == [types.DocumentHighlightKind.Text] * 2
