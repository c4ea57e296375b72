#!/usr/bin/env python3
"""Numeric limits stated in the catalogue's documentation against the corpus.

Reads every a:documentation of an <attribute> or <element> in crates/libvirt/catalogue and
extracts the limits it states in words ("at most 16 characters", "1 to 16383", "between 256 and
1024", "10..255", "at least 4095", "up to 3 digits"), for the attribute or the element's text.
Then, against ../shared/libvirt-11.3.0/corpus/domain:
  (a) documents libvirt accepts (valid in LABELS.tsv, no <name>.libvirt-err.txt) must not carry
      a value beyond a limit we state: each one is a contradiction (exit status 1 when any);
  (b) libvirt's error files whose message states a limit ("must be", "up to", "more than", ...)
      are listed with the place they are about and whether our documentation states that limit.
  python3 tests/catalogue/limits.py [-v] [--check-limit ELEMENT[@ATTRIBUTE]=MIN..MAX]
--check-limit adds a stated limit as if the documentation said it (to see that a wrong limit is
caught); -v lists every place with its limits and the values seen.
"""
import collections
import functools
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import defaults  # noqa: E402  (the catalogue walk and the corpus readers, shared)

A, RNG, repo, corpus = defaults.A, defaults.RNG, defaults.repo, defaults.corpus

# --- numbers -----------------------------------------------------------------------------

NUM = r'-?(?:0x[0-9a-fA-F]+|2\^\d+(?:-1)?|\d+)'


def number(token):
    """A number as the documentation writes it: decimal, 0x hex, 2^N or 2^N-1."""
    token = token.strip('`')
    m = re.fullmatch(r'2\^(\d+)(-1)?', token)
    if m:
        return 2 ** int(m.group(1)) - (1 if m.group(2) else 0)
    return int(token, 16) if token.lower().startswith(('0x', '-0x')) else int(token)


def c_number(text, hex_default=False):
    """A value as libvirt reads it (strtol with base 0); hex without 0x where the place says
    its numbers are hex. None when it is no number."""
    s = text.strip()
    try:
        if re.fullmatch(r'-?0[xX][0-9a-fA-F]+', s):
            return int(s, 16)
        if hex_default and re.fullmatch(r'[0-9a-fA-F]+', s):
            return int(s, 16)
        if re.fullmatch(r'-?0[0-7]+', s):
            return int(s, 8)
        if re.fullmatch(r'-?\d+', s):
            return int(s)
    except ValueError:
        pass
    return None


UNITS = {'b': 1, 'bytes': 1, 'k': 1024, 'kib': 1024, 'kb': 1000, 'm': 1024 ** 2,
         'mib': 1024 ** 2, 'mb': 1000 ** 2, 'g': 1024 ** 3, 'gib': 1024 ** 3, 'gb': 1000 ** 3,
         't': 1024 ** 4, 'tib': 1024 ** 4, 'tb': 1000 ** 4}

# --- what the documentation states ---------------------------------------------------------

Limit = collections.namedtuple('Limit', 'kind low high unit phrase')  # kind: value|length|digits

# A bound followed by what it counts; `unit` is KiB/MiB/GiB for sizes.
TAIL = r'(?P<tail>\s*(?:printable ASCII |hex )?(?:characters|digits|KiB|MiB|GiB)\b)?'
FORMS = [
    # "1 to 16383", "from -1 to 10", "0 to 0xfe"
    (r'(?:\bfrom\s+)?(?<![\w.^-])(?P<lo>' + NUM + r')\s+to\s+(?P<hi>' + NUM + r')(?![\w^])' + TAIL, 'range'),
    # "between 256 and 1024"
    (r'\bbetween\s+(?P<lo>' + NUM + r')\s+and\s+(?P<hi>' + NUM + r')(?![\w^])' + TAIL, 'range'),
    # "10..255", "1-8 characters", "decimal 0-31", "(1-254)"
    (r'(?<![\w.^-])(?P<lo>' + NUM + r')\s*(?:\.\.|–|-)\s*(?P<hi>' + NUM + r')(?![\w^]|\.\d)(?!\s+(?:are|is) reserved)' + TAIL,
     'range'),
    # "at least 4095", "at least 1 MiB"
    (r'\bat least\s+(?P<lo>' + NUM + r')(?![\w^])' + TAIL, 'min'),
    # "3 or more"
    (r'(?<![\w.^-])(?P<lo>' + NUM + r')\s+or more\b' + TAIL, 'min'),
    # "at most 12 characters", "up to 3 digits", "no more than 8"
    (r'\b(?:at most|up to|no more than|not more than)\s+(?P<hi>' + NUM + r')(?![\w^])' + TAIL, 'max'),
    # "exactly 12 characters"
    (r'\bexactly\s+(?P<lo>' + NUM + r')' + TAIL, 'exact'),
    # "16 hex digits": a fixed width
    (r'(?<![\w.^-])(?P<lo>\d+)(?P<tail>\s+hex digits\b)', 'exact'),
]
# Sentences about something else than the value's range: bit positions, what a program does
# with longer values, or the host's own limits.
SKIP_SENTENCE = re.compile(r"\b(?:[Bb]its\b|bit \d|cuts|silently|host(?:'s)?\b)")
# Values the documentation names as special: "`-1` means unlimited", "-1 (legacy)", "or any
# negative value".
SPECIAL = re.compile(r'`(' + NUM + r')`|(?<![\w.])(' + NUM + r')\s+(?:means|\(legacy\)|for any|switches|disables)')


def sentences(text):
    return re.split(r'(?<=[.;])\s+', ' '.join(text.split()))


def limits_in(text):
    """The limits one documentation text states, the special values it allows, and whether its
    numbers are hex by default."""
    found = []
    for sentence in sentences(text):
        if SKIP_SENTENCE.search(sentence):
            continue
        sentence = re.sub(r'`[^`]*`', '`…`', sentence)  # examples (`1-4`, `pc-q35-2.10`) are no limits
        taken = []
        for form, shape in FORMS:
            for m in re.finditer(form, sentence):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue  # one phrase, one limit
                tail = (m.group('tail') or '').strip()
                kind = 'length' if tail.endswith('characters') else 'digits' if tail.endswith('digits') else 'value'
                unit = tail if tail in ('KiB', 'MiB', 'GiB') else ''
                lo = number(m.group('lo')) if 'lo' in m.groupdict() and m.group('lo') else None
                hi = number(m.group('hi')) if 'hi' in m.groupdict() and m.group('hi') else None
                if shape == 'exact':
                    hi = lo
                if lo is not None and hi is not None and lo > hi:
                    continue  # "10-3" is no range
                taken.append((m.start(), m.end()))
                found.append(Limit(kind, lo, hi, unit, m.group(0).strip()))
    specials = {number(a or b) for a, b in SPECIAL.findall(text)}
    if re.search(r'any negative value', text):
        specials.add('negative')
    hex_default = bool(re.search(r'\bhex(?:adecimal)?\b(?! digits)', text)) and 'decimal' not in text.replace('hexadecimal', '')
    return found, specials, hex_default


Place = collections.namedtuple('Place', 'element attribute chain area conditions')
Entry = collections.namedtuple('Entry', 'place limits specials hex_default text')


def fixed_values(node):
    """The values an <attribute> pattern allows when they are a fixed few (`<value>`s only)."""
    kids = [k for k in node if not k.tag.startswith(A)]
    if len(kids) == 1 and kids[0].tag == RNG + 'value':
        return {(kids[0].text or '').strip()}
    if len(kids) == 1 and kids[0].tag == RNG + 'choice':
        values = [k for k in kids[0] if not k.tag.startswith(A)]
        if values and all(v.tag == RNG + 'value' for v in values):
            return {(v.text or '').strip() for v in values}
    return None


def conditions(node, parents):
    """Which fixed attributes the place lives under, as (depth, attribute, values): depth 0 is
    the element the value is on, 1 its parent... `<address type='drive'>`'s `bus` and
    `<hostdev type='scsi'>`'s source `bus` are other places than a PCI `bus`."""
    found = []
    depth = 0 if node.tag == RNG + 'attribute' else 1
    cur = node
    while True:
        up = parents.get(cur)
        if up is None:
            return tuple(found)
        for sibling in up:
            if sibling is cur or sibling.tag != RNG + 'attribute' or not sibling.get('name'):
                continue
            values = fixed_values(sibling)
            if values:
                found.append((depth, sibling.get('name'), frozenset(values)))
        if up.tag == RNG + 'define':
            return tuple(found)  # where the define is used is not followed
        if up.tag == RNG + 'element' and up.get('name'):
            depth += 1
        cur = up


def stated(extra=()):
    """Every documentation that states a limit, for each place it documents."""
    files = defaults.load()
    users = defaults.define_users(files)
    out = []
    for area, root, parents in files:
        for doc in root.iter(A + 'documentation'):
            node = parents.get(doc)
            if node is None or node.tag not in (RNG + 'attribute', RNG + 'element') or not node.get('name'):
                continue
            limits, specials, hex_default = limits_in(doc.text or '')
            if not limits:
                continue
            conds = conditions(node, parents)
            if node.tag == RNG + 'attribute':
                up = defaults.owner(node, parents)
                if up is None:
                    continue
                if up.tag == RNG + 'element':
                    keys = [(up.get('name'), tuple(defaults.chain_of(up, parents)), area)]
                else:
                    keys = users(up.get('name'))
                places = [Place(e, node.get('name'), c, a, conds) for e, c, a in keys]
            else:
                places = [Place(node.get('name'), None, tuple(defaults.chain_of(node, parents)), area, conds)]
            out += [Entry(p, limits, specials, hex_default, doc.text or '') for p in places]
    for spec in extra:  # --check-limit ELEMENT[@ATTRIBUTE]=LO..HI: as if our words said so
        where, bounds = spec.split('=')
        element, _, attribute = where.partition('@')
        lo, hi = bounds.split('..')
        limit = Limit('value', number(lo), number(hi), '', f'--check-limit {spec}')
        out.append(Entry(Place(element, attribute or None, (), '', ()), [limit], set(), False, ''))
    return out


# --- the corpus ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def labels():
    verdicts = {}
    with open(os.path.join(corpus, 'LABELS.tsv')) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            name, verdict = line.rstrip('\n').split('\t')[:2]
            verdicts[name] = verdict
    return verdicts


def base_name(xml_name):
    """The input a corpus file belongs to: `x.xml` and `x.<arch>-latest[...].xml` -> `x`."""
    stem = xml_name[:-len('.xml')]
    return re.sub(r'\.[a-z0-9_]+-latest.*$', '', stem)


@functools.lru_cache(maxsize=None)
def accepted_documents():
    """(confirmed, unconfirmed): the documents valid in LABELS.tsv without an error file, split
    by whether libvirt's output shows that it took them (an output file, or being one). The
    corpus has no error file for some refused inputs (s390x ones such as a zPCI uid of 0), so
    a value only seen in an unconfirmed input is a note, not a contradiction."""
    names = labels()
    outputs = {base_name(n) for n in names if n != base_name(n) + '.xml'}
    confirmed, unconfirmed = [], []
    for name, verdict in sorted(names.items()):
        if verdict != 'valid' or os.path.exists(os.path.join(corpus, base_name(name) + '.libvirt-err.txt')):
            continue
        path = os.path.join(corpus, name)
        (confirmed if base_name(name) in outputs else unconfirmed).append(path)
    return confirmed, unconfirmed


def holds(element, conds, parents):
    for depth, attribute, allowed in conds:
        e = element
        for _ in range(depth):
            e = parents.get(e) if e is not None else None
        if e is None or e.get(attribute) not in allowed:
            return False
    return True


def values(path, place):
    """(value text, element) at `place` in one corpus document."""
    if defaults.parsed(path) is None:
        return
    _, parents = defaults.parsed(path)
    for e in defaults.elements(path, place.element, place.chain, place.area):
        if not holds(e, place.conditions, parents):
            continue
        if place.attribute is None:
            if len(e) == 0 and e.text and e.text.strip():
                yield e.text.strip(), e
        elif place.attribute in e.attrib:
            yield e.get(place.attribute), e


def measure(limit, text, element, entry):
    """The quantity `limit` bounds, for one value; None when it cannot be told."""
    if limit.kind == 'length':
        return len(text)
    if limit.kind == 'digits':
        digits = text[2:] if text.lower().startswith('0x') else text.lstrip('-')
        return len(digits) if re.fullmatch(r'[0-9a-fA-F]+', digits) else None
    n = c_number(text, entry.hex_default)
    if n is None or not limit.unit:
        return n
    written = (element.get('unit') or ('KiB' if re.search(r'\bIn KiB\b', entry.text) else 'b')).lower()
    scale = UNITS.get(written)
    return None if scale is None else n * scale // UNITS[limit.unit.lower()]


def beyond(limit, n, entry):
    if limit.kind == 'value' and (n in entry.specials or ('negative' in entry.specials and n < 0)):
        return False
    return (limit.low is not None and n < limit.low) or (limit.high is not None and n > limit.high)


def broken(entry, text, element):
    """The limits of `entry` that `text` breaks. Limits of one kind in one text are alternatives
    ("2..262144 (cgroups v1), 1..10000 (cgroups v2)"): a value breaks them when it is beyond
    every one; the first of them stands for the rest."""
    by_kind = collections.defaultdict(list)
    for limit in entry.limits:
        by_kind[limit.kind].append(limit)
    out = []
    for limits in by_kind.values():
        outside = []
        for limit in limits:
            n = measure(limit, text, element, entry)
            if n is None or not beyond(limit, n, entry):
                break
            outside.append(limit)
        else:
            out += outside[:1]
    return out


def against_corpus(entries, verbose):
    """(a): every value beyond a limit we state, in documents libvirt accepts (contradictions)
    and in valid inputs whose acceptance the corpus does not show (notes)."""
    confirmed, unconfirmed = accepted_documents()
    observed, found, notes = set(), [], []
    for entry in entries:
        seen = collections.Counter()
        for docs, into in ((confirmed, found), (unconfirmed, notes)):
            for path in docs:
                for text, element in values(path, entry.place):
                    seen[text] += 1
                    for limit in broken(entry, text, element):
                        into.append((entry.place, limit, text, os.path.basename(path)))
        if seen:
            observed.add(entry.place)
        if verbose:
            shown = ', '.join(limit.phrase for limit in entry.limits)
            print(f'  {show(entry.place)}: {shown}; {sum(seen.values())} values ({len(seen)} distinct)')
    return observed, found, notes


def show(place):
    where = f'<{place.element} {place.attribute}>' if place.attribute else f'<{place.element}> text'
    conds = ''.join(f" {'../' * d}@{a}={'|'.join(sorted(v))}" for d, a, v in place.conditions)
    inside = f', in {"/".join(reversed(place.chain))}' if place.chain else ''
    return f'{where}{conds} ({place.area}{inside})'

# --- libvirt's error files ------------------------------------------------------------------


# A limit word, then a number before the sentence ends: "must be <= 0x1F", "up to '15' ports",
# "more than 16 characters", "in range [0,65535]", "cannot be '0'"; not a granularity ("must be
# divisible by 1 MiB", "a power of 2").
LIMIT_STATEMENT = re.compile(r"(?:must be|maximum|exceed|too (?:long|large|big|small|many)|out of range|"
                             r"in range|up to|at least|at most|more than|less than|greater than|"
                             r"between|<=|>=|cannot be)[^.]{0,25}?(?<![\w])'?\[?(?:0x[0-9a-fA-F]+|\d+)",
                             re.I)
GRANULARITY = re.compile(r'divisible|multiple of|power of', re.I)


def states_limit(message):
    return any(not GRANULARITY.search(m.group(0)) for m in LIMIT_STATEMENT.finditer(message))


def message_numbers(message):
    nums = set()
    for token in re.findall(r'(?<![\w.:])(0x[0-9a-fA-F]+|\d+)(?![\w.:])', message):
        nums.add(int(token, 16) if token.lower().startswith('0x') else int(token))
    return nums


def words(s):
    """The message's words, and each two neighbours joined (`boot menu` -> `bootmenu`)."""
    ws = re.findall(r'[a-z0-9_]+', s.lower())
    return set(ws) | {a + b for a, b in zip(ws, ws[1:])}


def error_places(message, path):
    """The (element, attribute) pairs of the refused document the message may be about, best
    first: named as `attribute 'a' in element 'e'`, as `a='v'` or `'v'` with the document's
    value, or by the message's words naming the attribute (or text element) and its element."""
    parsed = defaults.parsed(path)
    if parsed is None:
        return []
    root, parents = parsed
    m = re.search(r"attribute '([\w-]+)' in element '([\w-]+)'", message)
    if m:
        return [(m.group(2), m.group(1))]
    quoted = {q.lower() for q in re.findall(r"'([^']+)'", message) + re.findall(r"=([^' ,]+)", message)}
    said = words(message)
    scored = collections.Counter()
    for e in root.iter():
        tag = e.tag.lower()
        for a, v in e.attrib.items():
            score = (3 if v.lower() in quoted else 0) + (1 if a.lower() in said else 0) + (1 if tag in said else 0)
            if score >= 2:
                scored[(e.tag, a)] = max(scored[(e.tag, a)], score)
        if len(e) == 0 and e.text and e.text.strip() and tag in said:
            parent = parents.get(e)
            scored[(e.tag, None)] = max(scored[(e.tag, None)], 2 + (parent is not None and parent.tag.lower() in said))
    return [p for p, _ in scored.most_common()]


def error_limits(entries):
    """(b): every error file whose message states a limit, with the place and our words on it."""
    rows = []
    for err in sorted(glob.glob(os.path.join(corpus, '*.libvirt-err.txt'))):
        with open(err) as f:
            message = ' '.join(f.read().split())
        if not states_limit(message):
            continue
        xml = err[:-len('.libvirt-err.txt')] + '.xml'
        candidates = error_places(message, xml) if os.path.exists(xml) else []
        nums = message_numbers(message)
        refused = {int(n, 0) for n in re.findall(r"cannot be '?(0x[0-9a-fA-F]+|\d+)", message)}
        # The first candidate place where our documentation states a limit, else the best one.
        where, ours = candidates[:1], []
        for e, a in candidates:
            ours = [x for x in entries if x.place.element == e and x.place.attribute == a]
            if ours:
                where = [(e, a)]
                break
        limits = [limit for x in ours for limit in x.limits]
        if not ours:
            verdict = 'not documented'
        elif any(limit.low in nums or limit.high in nums for limit in limits) or any(
                beyond(limit, n, x) for x in ours for limit in x.limits for n in refused):
            verdict = 'documented'
        else:
            verdict = 'documented with other numbers: ' + '; '.join(limit.phrase for limit in limits)
        rows.append((os.path.basename(err), message, where, verdict))
    return rows


def main():
    missing = defaults.corpus_missing()
    if missing is not None:
        return missing
    verbose = '-v' in sys.argv
    extra = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == '--check-limit']
    entries = stated(extra)
    places = {x.place for x in entries}
    if verbose:
        print('stated limits, and how many values the valid documents carry there:')
    observed, found, notes = against_corpus(entries, verbose)
    for head, cases in (('CONTRADICTION', found), ('note (valid inputs the corpus has no output or error for)', notes)):
        grouped = collections.defaultdict(list)
        for place, limit, text, doc in cases:
            grouped[(show(place), limit.phrase)].append(f"{doc} '{text}'")
        for (where, phrase), docs in sorted(grouped.items()):
            more = f' and {len(docs) - 3} more' if len(docs) > 3 else ''
            print(f'{head} {where}: we say "{phrase}", but: {", ".join(docs[:3])}{more}')
    rows = error_limits(entries)
    print('libvirt errors that state a limit:')
    undocumented = 0
    for name, message, where, verdict in rows:
        at = ', '.join(f'<{e} {a}>' if a else f'<{e}>' for e, a in where) or 'no place found'
        print(f'  {name}: {message}\n      at {at}: {verdict}')
        undocumented += verdict != 'documented'
    confirmed, unconfirmed = accepted_documents()
    print(f'{len(places)} places with a stated limit, {len(observed)} of them observed in the corpus '
          f'({len(confirmed)} documents libvirt accepts, {len(unconfirmed)} valid inputs without output or error); '
          f'{len(found)} contradictions, {len(notes)} notes; {len(rows)} error files state a limit, '
          f'{undocumented} of them not documented with that number')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
