/**
 * The records of one name and type form one RRset, which DNS serves with one TTL (RFC 2181 §5.2).
 * A zone file that gives them different TTLs gets the first one's from BIND, and from other servers
 * one or the other: what the file says is not what is served.
 */
import { hasNoDefaultTtl } from '../records/cname';
import type { Fix } from '../types';
import type { ResourceRecord } from '../types';
import type { ModelRule } from './rule';


/** One RRset of a name whose records are written in several groups, in the order its records are read. */
interface RRset {
  type: string;
  /** The record whose TTL the set is served with: the first of its type in the last group of its name (see `check`). */
  setter: ResourceRecord;
  setterGroup: number;
  firstTtl: number;
  /** A record made by `$GENERATE`, whose TTL BIND merges in ways not modelled here. */
  generated: boolean;
}

const TTL_WORD = /^[0-9]/;
const CLASS_WORD = /^(IN|CH|CS|HS|ANY|CLASS[0-9]+)$/i;

/**
 * The fix that writes `ttl` as a zone-file record's TTL: its TTL word replaced, or one put before the
 * class or type. Only under a `$TTL` (with none, later records without a TTL inherit the one written).
 */
function ttlFix(text: string | undefined, r: ResourceRecord, ttl: number): (() => Fix[]) | undefined {
  if (text === undefined || r.generated || hasNoDefaultTtl(r)) return undefined;
  return () => {
    // The words before the type: the owner when the line starts with it, then a TTL and a class in either order.
    const start = r.range.start;
    const words = [...text.slice(start, r.range.end).matchAll(/;[^\n]*|[^\s()]+/g)].filter((m) => m[0][0] !== ';');
    const owned = start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r';
    const before = words.slice(owned ? 1 : 0, owned ? 4 : 3);
    const word = before.find((w, i) => TTL_WORD.test(w[0]) && before.slice(0, i).every((x) => CLASS_WORD.test(x[0])));
    const at = word ? start + word.index! : start + before[0].index!;
    const edit = word ? { range: { start: at, end: at + word[0].length }, newText: String(ttl) } : { range: { start: at, end: at }, newText: `${ttl} ` };
    return [{ title: `TTL: set it to ${ttl}, the TTL the RRset is served with`, edits: [edit] }];
  };
}

export const rrsetTtlMismatch: ModelRule = {
  id: 'zone/rrset-ttl-mismatch',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'Records of one name and type (one RRset) have different TTLs',
  fixable: true,
  docs: {
    what: 'Finds a record whose TTL, written or from `$TTL`, is not the TTL its RRset (the records of its name and type in the zone, its files included) is served with. BIND reads the records of a name written together as one group and gives the later ones of a type the first one\'s TTL (`named-checkzone` warns: "TTL set to prior TTL"); when the records of a name and type are written apart, in several groups, it serves the whole set with the TTL of the last group, without a warning.',
    why: 'RFC 2181 §5.2: the records of one name and type form an RRset, and all of an RRset\'s records have one TTL. A server picks one, and what the file says of the others is not true. An SPF record written with `300` beside a verification TXT with `3600` is then cached for an hour, so a change to it takes effect later than planned; a record moved down the file can silently change the TTL of the records of its name written above it.',
    bad: '$TTL 3600\n@ IN TXT "google-site-verification=abc"\n@ 300 IN TXT "v=spf1 include:_spf.example.net -all"',
    good: '$TTL 3600\n@ 300 IN TXT "google-site-verification=abc"\n@ 300 IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Give the records of the RRset one TTL. The quick fix sets this record\'s written TTL to the one the set is served with; to serve another, change the record the finding links to. Writing the records of a name together keeps BIND from taking a TTL from a group further down.',
  },
  check(model, ctx) {
    const report = (r: ResourceRecord, setter: ResourceRecord, later: boolean) => {
      const ttl = setter.ttl!;
      ctx.reportAt(
        r,
        `This ${r.type} record's TTL (${r.ttl}) is not the one it is served with: the ${r.type} records at \`${r.owner}\` form one RRset, which has one TTL (RFC 2181 §5.2), and BIND serves it with ${ttl}, ${later ? `the TTL of another ${r.type} record of this name, written apart from this one further down (the last group of them decides)` : `the TTL of the first ${r.type} record of this name written with it ("TTL set to prior TTL")`}. Give them the same TTL.`,
        {
          related: [{ uri: setter.uri, range: setter.range, message: `the ${r.type} record at ${r.owner} whose TTL, ${ttl}, the RRset is served with` }],
          anchors: [setter],
          docFixes: ttlFix(model.text(r.uri), r, ttl),
        },
      );
    };
    // BIND reads the records of a name written one after the other (in one file) as a group, gives
    // the later records of a type in a group the TTL of the first, and serves an RRset written in
    // several groups with the TTL of its last group. A name written in one group (most) is checked
    // within it, with nothing hashed; only a name written in several is followed across them.
    const scattered = model.scattered();
    let last: string | undefined;
    let lastUri: string | undefined;
    const across = new Map<string, RRset[]>();
    // The types of the group being read and the first record of each (reused: most groups are one record).
    const types: string[] = [];
    const firsts: ResourceRecord[] = [];
    let inGroup = 0;
    let tracked: RRset[] | undefined;
    let groupNo = 0;
    let mixed: Set<string> | undefined;
    for (const r of model.records) {
      const owner = r.owner;
      if (r.ttl === undefined || owner === undefined) continue;
      if (owner !== last || r.uri !== lastUri) {
        groupNo++;
        // Not `length = 0`: that is a call into the runtime, once per name.
        inGroup = 0;
        if (owner !== last) {
          tracked = undefined;
          if (scattered.has(owner)) {
            tracked = across.get(owner);
            if (!tracked) across.set(owner, (tracked = []));
          }
        }
        last = owner;
        lastUri = r.uri;
      }
      const type = r.type;
      if (r.superseded || type === 'RRSIG' || type === 'SIG') continue;
      // Not RRSIG (SIG) records: each has the TTL of the RRset it covers.
      if (tracked) {
        let set: RRset | undefined;
        for (const x of tracked)
          if (x.type === type) {
            set = x;
            break;
          }
        if (!set) tracked.push({ type, setter: r, setterGroup: groupNo, firstTtl: r.ttl, generated: r.generated === true });
        else {
          if (set.setterGroup !== groupNo) {
            set.setter = r;
            set.setterGroup = groupNo;
          }
          if (r.generated) set.generated = true;
          if (r.ttl !== set.firstTtl) (mixed ??= new Set()).add(owner);
        }
        continue;
      }
      let k = 0;
      while (k < inGroup && types[k] !== type) k++;
      if (k === inGroup) {
        types[k] = type;
        firsts[k] = r;
        inGroup++;
      } else if (r.ttl !== firsts[k].ttl && !r.generated && !firsts[k].generated) report(r, firsts[k], false);
    }
    if (!mixed) return;
    // The names written in several groups with TTLs that differ: their records again, against the record that sets each RRset's TTL.
    let sets: RRset[] | undefined;
    last = undefined;
    for (const r of model.records) {
      const owner = r.owner;
      if (r.ttl === undefined || owner === undefined || r.superseded || r.type === 'RRSIG' || r.type === 'SIG') continue;
      if (owner !== last) {
        last = owner;
        sets = mixed.has(owner) ? across.get(owner) : undefined;
      }
      const set = sets?.find((x) => x.type === r.type);
      // The setter is the first of its type in its group: a record it is not before is in an earlier group.
      if (set && !set.generated && r.ttl !== set.setter.ttl) report(r, set.setter, set.setter.uri !== r.uri || set.setter.range.start > r.range.start);
    }
  },
};
