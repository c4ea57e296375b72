"""End-to-end: schema messages that say what is wrong (misspelt root, misplaced element,
one problem for a repeated attribute, one for children an attribute value rules out)."""

from conftest import open_doc, wait_for_version

URI = "file:///srv/vms/messages.xml"


async def test_misspelt_root_and_misplaced_element(client):
    open_doc(client, URI, "<domian type='kvm'><name>a</name></domian>")
    diags = await wait_for_version(client, URI, 1)
    assert [d.code for d in diags] == ["wrong-root"], diags
    assert "did you mean <domain>?" in diags[0].message

    uri = URI.replace("messages", "watchdog")
    text = (
        "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
        "<watchdog model='i6300esb'/><devices>"
        "<disk type='file' type='file' device='disk'><source file='/a'/><target dev='vda'/></disk>"
        "</devices></domain>"
    )
    open_doc(client, uri, text)
    diags = await wait_for_version(client, uri, 1)
    codes = sorted(d.code for d in diags)
    assert codes == ["duplicate-attribute", "misplaced-element"], diags
    misplaced = next(d for d in diags if d.code == "misplaced-element")
    assert misplaced.message.endswith("it goes in <devices>")


async def test_children_ruled_out_by_a_mode_are_one_problem_on_the_mode(client):
    uri = URI.replace("messages", "hyperv")
    text = (
        "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os>"
        "<features><hyperv mode='passthrough'><relaxed state='on'/><vapic state='on'/>"
        "</hyperv></features></domain>"
    )
    open_doc(client, uri, text)
    diags = await wait_for_version(client, uri, 1)
    assert len(diags) == 1, diags
    d = diags[0]
    assert d.code == "element-not-allowed"
    start = text.index("passthrough")
    assert (d.range.start.character, d.range.end.character) == (start, start + len("passthrough"))
    assert "mode='custom'" in d.message, d.message
