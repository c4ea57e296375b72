#!/usr/bin/env python3
"""Documented defaults (a:defaultValue in crates/libvirt/catalogue) against what libvirt writes.

For every attribute with a documented default, looks at the corpus pairs
../shared/libvirt-11.3.0/corpus/domain/<name>.xml (input) and <name>.<arch>-latest.xml (libvirt's
output) and counts, for elements of that name where the input did NOT set the attribute but
libvirt's output does, which values libvirt filled in. A filled-in value that differs from the
documented default is a contradiction (listed; exit status 1 when any), unless the attribute is
one that libvirt fills from the host or machine (then it is listed as a note).
  python3 tests/catalogue/defaults.py [--arch x86_64] [-v]
"""
import collections
import functools
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


def load():
    """Every catalogue file: (area, root, child -> parent map)."""
    out = []
    for path in sorted(glob.glob(os.path.join(repo, 'crates/libvirt/catalogue/**/*.rng'), recursive=True)):
        root = ET.parse(path).getroot()
        parents = {child: parent for parent in root.iter() for child in parent}
        out.append((os.path.splitext(os.path.basename(path))[0], root, parents))
    return out


def owner(node, parents):
    """The nearest named <element> or <define> above `node`."""
    node = parents.get(node)
    while node is not None and not (node.tag in (RNG + 'element', RNG + 'define') and node.get('name')):
        node = parents.get(node)
    return node


def chain_of(node, parents):
    """Names of the named elements above `node` in its file."""
    chain = []
    up = parents.get(node)
    while up is not None:
        if up.tag == RNG + 'element' and up.get('name'):
            chain.append(up.get('name'))
        up = parents.get(up)
    return chain


def define_users(files):
    """define name -> [(element name, chain, area)]: the elements whose content reaches it,
    through other defines as needed."""
    direct = collections.defaultdict(list)  # define -> [('element', name, chain, area) | ('define', name)]
    for area, root, parents in files:
        for ref in root.iter(RNG + 'ref'):
            up = owner(ref, parents)
            if up is None:
                continue
            if up.tag == RNG + 'element':
                direct[ref.get('name')].append(('element', up.get('name'), tuple(chain_of(up, parents)), area))
            else:
                direct[ref.get('name')].append(('define', up.get('name')))
    users = {}

    def resolve(name):
        if name in users:
            return users[name]
        users[name] = []  # a cycle reaches nothing new
        found = set()
        stack, seen = [name], {name}
        while stack:
            for use in direct.get(stack.pop(), []):
                if use[0] == 'element':
                    found.add(use[1:])
                elif use[1] not in seen:
                    seen.add(use[1])
                    stack.append(use[1])
        users[name] = sorted(found)
        return users[name]

    return resolve


def documented():
    """(element name, attribute name, chain, area) -> defaults, from every catalogue file; an
    attribute defined in a <define> counts for every element that uses the define."""
    files = load()
    users = define_users(files)
    found = {}
    for area, root, parents in files:
        for attr in root.iter(RNG + 'attribute'):
            default = attr.get(A + 'defaultValue')
            if default is None:
                continue
            node = owner(attr, parents)
            if node is None:
                continue
            if node.tag == RNG + 'element':
                keys = [(node.get('name'), tuple(chain_of(node, parents)), area)]
            else:
                keys = users(node.get('name'))
            for element, chain, where in keys:
                found.setdefault((element, attr.get('name'), chain, where), set()).add(default)
    return found


@functools.lru_cache(maxsize=None)
def pairs():
    return list(_pairs())


def _pairs():
    for out in sorted(glob.glob(os.path.join(corpus, f'*.{arch}-latest.xml'))):
        src = out[: -len(f'.{arch}-latest.xml')] + '.xml'
        if os.path.exists(src):
            yield src, out


DEVICE_AREAS = {'hostdev': {'hostdev'}, 'disk': {'disk'}, 'interface': {'interface'},
                'chardev': {'serial', 'console', 'channel', 'parallel'}, 'graphics': {'graphics'},
                'video': {'video'}, 'controller': {'controller'}, 'filesystem': {'filesystem'}}


@functools.lru_cache(maxsize=None)
def parsed(path):
    """A corpus document's root and child -> parent map (None when it does not parse)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    return root, {child: parent for parent in root.iter() for child in parent}


def elements(path, name, chain, area):
    """Elements `name` whose ancestors include `chain` (and the area's device element)."""
    if parsed(path) is None:
        return []
    root, parents = parsed(path)
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


def corpus_missing():
    """The exit status when the corpus is absent (a failure under CI, else a visible skip)."""
    if os.path.isdir(corpus):
        return None
    if os.environ.get('CI'):
        print(f'the corpus is required under CI: {corpus}')
        return 1
    print(f'SKIPPED: no corpus at {corpus}')
    return 0


def main():
    missing = corpus_missing()
    if missing is not None:
        return missing
    verbose = '-v' in sys.argv
    docs = documented()
    contradictions = 0
    checked = 0
    print(f'{len(docs)} (element, attribute) places with a documented default')
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
        if verbose:
            print(f'<{element} {attribute}> ({area}): documented {sorted(defaults)}, filled {dict(filled)}')
        wrong = {value: n for value, n in filled.items() if value not in defaults}
        if wrong:
            contradictions += 1
            print(f'<{element} {attribute}>: documented default {sorted(defaults)}, libvirt filled in {dict(filled)}')
    print(f'{checked} of them seen filled in by libvirt in the corpus, {contradictions} contradictions '
          f'(the others libvirt leaves out of its output when they are not set)')
    return 1 if contradictions else 0


if __name__ == '__main__':
    sys.exit(main())
