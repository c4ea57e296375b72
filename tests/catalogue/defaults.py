#!/usr/bin/env python3
"""Documented defaults (a:defaultValue in crates/libvirt/catalogue) against what libvirt writes.

For every attribute with a documented default, looks at the corpus pairs
../shared/libvirt-11.3.0/corpus/domain/<name>.xml (input) and <name>.<arch>-latest.xml (libvirt's
output) and counts, for elements of that name where the input did NOT set the attribute but
libvirt's output does, which values libvirt filled in. A filled-in value that differs from the
documented default is a contradiction (listed; exit status 1 when any), unless the attribute is
one that libvirt fills from the host or machine (then it is listed as a note).
  python3 tests/catalogue/defaults.py [--arch x86_64]
"""
import collections
import glob
import os
import sys
import xml.etree.ElementTree as ET

A = '{http://relaxng.org/ns/compatibility/annotations/1.0}'
RNG = '{http://relaxng.org/ns/structure/1.0}'
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(repo, '..', 'shared', 'libvirt-11.3.0', 'corpus', 'domain')
arch = sys.argv[sys.argv.index('--arch') + 1] if '--arch' in sys.argv else 'x86_64'


def documented():
    """(element name, attribute name) -> default, from every catalogue file."""
    found = {}
    for path in glob.glob(os.path.join(repo, 'crates/libvirt/catalogue/**/*.rng'), recursive=True):
        root = ET.parse(path).getroot()
        parents = {child: parent for parent in root.iter() for child in parent}
        for attr in root.iter(RNG + 'attribute'):
            default = attr.get(A + 'defaultValue')
            if default is None:
                continue
            node = parents.get(attr)
            while node is not None and node.tag != RNG + 'element' and node.tag != RNG + 'define':
                node = parents.get(node)
            if node is None or node.tag != RNG + 'element' or not node.get('name'):
                continue  # in a define: the element is elsewhere; skipped
            # the enclosing elements in this file (a define's users are elsewhere), and the name
            # of the file: a hostdev's <source> is not a disk's
            chain = []
            up = parents.get(node)
            while up is not None:
                if up.tag == RNG + 'element' and up.get('name'):
                    chain.append(up.get('name'))
                up = parents.get(up)
            area = os.path.splitext(os.path.basename(path))[0]
            key = (node.get('name'), attr.get('name'), tuple(chain), area)
            found.setdefault(key, set()).add(default)
    return found


def pairs():
    for out in sorted(glob.glob(os.path.join(corpus, f'*.{arch}-latest.xml'))):
        src = out[: -len(f'.{arch}-latest.xml')] + '.xml'
        if os.path.exists(src):
            yield src, out


DEVICE_AREAS = {'hostdev': {'hostdev'}, 'disk': {'disk'}, 'interface': {'interface'},
                'chardev': {'serial', 'console', 'channel', 'parallel'}, 'graphics': {'graphics'},
                'video': {'video'}, 'controller': {'controller'}, 'filesystem': {'filesystem'}}


def elements(path, name, chain, area):
    """Elements `name` whose ancestors include `chain` (and the area's device element)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return []
    parents = {child: parent for parent in root.iter() for child in parent}
    result = []
    for element in root.iter(name):
        names = set()
        up = parents.get(element)
        while up is not None:
            names.add(up.tag)
            up = parents.get(up)
        if not set(chain) <= names:
            continue
        if area in DEVICE_AREAS and not (DEVICE_AREAS[area] & (names | {name})):
            continue
        result.append(element)
    return result


def main():
    docs = documented()
    contradictions = 0
    checked = 0
    for (element, attribute, chain, area), defaults in sorted(docs.items()):
        filled = collections.Counter()
        for src, out in pairs():
            ins = elements(src, element, chain, area)
            outs = elements(out, element, chain, area)
            if len(ins) != len(outs):
                continue  # libvirt added or removed such elements: no one-to-one pairing
            for before, after in zip(ins, outs):
                if attribute not in before.attrib and attribute in after.attrib:
                    filled[after.get(attribute)] += 1
        if not filled:
            continue
        checked += 1
        wrong = {value: n for value, n in filled.items() if value not in defaults}
        if wrong:
            contradictions += 1
            print(f'<{element} {attribute}>: documented default {sorted(defaults)}, libvirt filled in {dict(filled)}')
    print(f'{checked} documented defaults seen filled in by libvirt, {contradictions} contradictions')
    return 1 if contradictions else 0


if __name__ == '__main__':
    sys.exit(main())
