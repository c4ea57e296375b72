#!/usr/bin/env python3
"""Generates the libxml2 child-order test set (tests/order/set.tsv).

Shuffles the children of random elements (half of them <domain> itself) of corpus documents
that xmllint accepts, labels each shuffled document with `xmllint --relaxng` against libvirt
11.3's and 9.0's domain.rng, and writes one line per document: corpus file, element path
(indices among element children, '.'-separated, empty for the root), the new order of its
element children, the two labels and the element xmllint names in "Extra element X in
interleave" (11.3). The documents themselves are not kept: tests rebuild them from the corpus.

usage: tests/order/make-set.py [COUNT] [SEED]   (needs xmllint, ../shared and
       target/libvirt-9.0 from tests/fetch-libvirt-9.sh)
"""
import os, random, re, subprocess, sys, tempfile
import xml.dom.minidom as minidom

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, '../shared/libvirt-11.3.0/corpus/domain')
SCHEMAS = {
    '11.3': os.path.join(ROOT, '../shared/libvirt-11.3.0/schemas/domain.rng'),
    '9.0': os.path.join(ROOT, 'target/libvirt-9.0/usr/share/libvirt/schemas/domain.rng'),
}
# Elements whose content has interleaves; nested ones are where libxml2 goes wrong.
PREFERRED = {'devices', 'os', 'cpu', 'features', 'memoryBacking', 'cputune', 'numatune',
             'iotune', 'disk', 'interface', 'hyperv', 'kvm', 'clock', 'controller', 'graphics',
             'sysinfo', 'launchSecurity', 'tpm', 'hostdev', 'source', 'driver', 'pm'}


def elements(node):
    return [c for c in node.childNodes if c.nodeType == c.ELEMENT_NODE]


def candidates(root):
    out, stack = [], [((), root)]
    while stack:
        path, e = stack.pop()
        kids = elements(e)
        if path and len(kids) >= 2:
            out.append((path, e))
        stack.extend((path + (i,), k) for i, k in enumerate(kids))
    return out


def materialize(doc, path, order):
    e = doc.documentElement
    for i in path:
        e = elements(e)[i]
    kids = elements(e)
    units, pending = [], []
    for c in list(e.childNodes):
        e.removeChild(c)
        if c.nodeType == c.ELEMENT_NODE:
            units.append(pending + [c])
            pending = []
        else:
            pending.append(c)
    for i in order:
        for c in units[i]:
            e.appendChild(c)
    for c in pending:
        e.appendChild(c)
    return doc.toxml()


def xmllint(schema, files):
    r = subprocess.run(['xmllint', '--noout', '--relaxng', schema] + files,
                       capture_output=True, text=True)
    verdict, extra, pending = {}, {}, None
    for line in r.stderr.splitlines():
        # "Extra element X in interleave" carries no file name: it belongs to the next line's.
        m = re.match(r'.*Extra element (\S+) in interleave', line)
        if m:
            pending = pending or m.group(1)
            continue
        m = re.match(r'(.*) (validates|fails to validate)$', line) or re.match(r'(.*?):\d+: ', line)
        if m and pending:
            extra.setdefault(m.group(1), pending)
            pending = None
        m = re.match(r'(.*) (validates|fails to validate)$', line)
        if m:
            verdict[m.group(1)] = 'valid' if m.group(2) == 'validates' else 'invalid'
    return verdict, extra


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 14)
    labels = [l.rstrip('\n').split('\t') for l in open(os.path.join(CORPUS, 'LABELS.tsv'))
              if not l.startswith('#')]
    files = sorted(f for f, v, *_ in labels if v == 'valid')
    rows, tmp = [], tempfile.mkdtemp()
    while len(rows) < count:
        name = rng.choice(files)
        doc = minidom.parse(os.path.join(CORPUS, name))
        if rng.random() < 0.5:
            path, e = (), doc.documentElement
        else:
            cands = candidates(doc.documentElement)
            preferred = [c for c in cands if c[1].tagName in PREFERRED]
            pool = preferred if preferred and rng.random() < 0.8 else cands
            if not pool:
                continue
            path, e = rng.choice(pool)
        n = len(elements(e))
        order = list(range(n))
        rng.shuffle(order)
        if order == sorted(order):
            continue
        out = os.path.join(tmp, '%04d.xml' % len(rows))
        with open(out, 'w') as f:
            f.write(materialize(doc, path, order))
        rows.append([name, '.'.join(map(str, path)), ','.join(map(str, order)), out])
    outs = [r[3] for r in rows]
    v11, x11 = xmllint(SCHEMAS['11.3'], outs)
    v9, _ = xmllint(SCHEMAS['9.0'], outs)
    with open(os.path.join(ROOT, 'tests/order/set.tsv'), 'w') as f:
        f.write('# corpus file\telement path\tchild order\txmllint 11.3\txmllint 9.0\textra element (11.3)\n')
        for name, path, order, out in rows:
            f.write('\t'.join([name, path, order, v11[out], v9[out], x11.get(out, '')]) + '\n')


if __name__ == '__main__':
    main()
