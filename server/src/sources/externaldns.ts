/**
 * Record sites in Kubernetes manifests of ExternalDNS's `DNSEndpoint` resource
 * (`externaldns.k8s.io/v1alpha1`): `spec.endpoints[]` with `dnsName`, `recordType` and `targets`, each
 * target one record as the provider publishes it. A manifest file may hold several documents (`---`);
 * each `DNSEndpoint` among them is read.
 */
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { checkedAround, HOLE, startsAsRecord } from '../records/holes';
import { markHoles, standInZone } from '../util/zonenames';
import { holesAt } from './layers';
import { decodeScalar, get, makeSite, scalarHost, str } from './yamlscalar';
import type { ZoneFile } from './zonefile';

/** A template expression Helm (or another renderer) fills in: `{{ .Values.domain }}`. */
const TEMPLATE = /\{\{-?[\s\S]*?-?\}\}/g;

/**
 * The owner a `dnsName` names. A name that ends in one template expression (`_dmarc.{{ .Values.domain }}`,
 * as charts write them) is under a stand-in domain for that expression, the same for every manifest of
 * the folder (util/zonenames), so the records of one domain are checked together, relative to it; a
 * name with a template anywhere else (`{{ .Values.host }}.example.com`) is not known.
 */
function ownerOf(written: string | undefined, scope: string): { owner: string | undefined; relative?: true; expression?: string } {
  const name = written?.trim().replace(/\.$/, '');
  if (!name) return { owner: undefined };
  if (!name.includes('{{')) return { owner: name.toLowerCase() };
  const m = /^((?:[A-Za-z0-9_*-]+\.)*)\{\{-?\s*([^{}]*?)\s*-?\}\}$/.exec(name);
  if (!m || m[2] === '') return { owner: undefined };
  return { owner: `${m[1].toLowerCase()}${standInZone(scope, m[2])}`, relative: true, expression: m[2] };
}

/** A value with the stand-in's expression written as the stand-in domain (`10 mx.{{ .Values.domain }}`), or undefined when another template is in it. */
function withStandIn(value: string, expression: string | undefined, scope: string): string | undefined {
  if (!value.includes('{{')) return value;
  if (expression === undefined) return undefined;
  const out = value.replace(TEMPLATE, (t) => (t.replace(/^\{\{-?\s*|\s*-?\}\}$/g, '') === expression ? standInZone(scope, expression) : t));
  return out.includes('{{') ? undefined : out;
}

/** A line that is only a template action (`{{- if .Values.mail.enabled }}`, `{{- end }}`), as Helm charts write around manifests. */
const ACTION_LINE = /^[ \t]*\{\{-?[^\n]*?-?\}\}[ \t]*\r?$/gm;

/**
 * The text with each line that is only a template action blanked (the same length, so every offset
 * stays where it is): the YAML between them is then read as it will be rendered when the condition holds.
 */
export function withoutActionLines(text: string): string {
  return text.includes('{{') ? text.replace(ACTION_LINE, (l) => l.replace(/[^\r]/g, ' ')) : text;
}

/** The documents of a manifest, or undefined when it does not parse at all. */
function documents(text: string): Document[] | undefined {
  try {
    const docs = parseAllDocuments(withoutActionLines(text), { strict: false, uniqueKeys: false, logLevel: 'silent', prettyErrors: false });
    return Array.isArray(docs) ? docs : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a YAML file holds an ExternalDNS `DNSEndpoint` (cheap test first: the kind written out). */
export function looksLikeExternalDns(text: string): boolean {
  return /^kind:\s*["']?DNSEndpoint["']?\s*$/m.test(text) && (documents(text) ?? []).some(isEndpoint);
}

function isEndpoint(doc: Document): boolean {
  const root = doc.contents;
  return isMap(root) && str(get(root, 'kind')) === 'DNSEndpoint';
}

export function readExternalDns(text: string, uri: string): ZoneFile {
  const out: ZoneFile = { uri, origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
  for (const doc of documents(text) ?? []) {
    if (!isEndpoint(doc)) continue;
    const spec = get(doc.contents as never, 'spec');
    const endpoints = isMap(spec) ? get(spec, 'endpoints') : undefined;
    if (!isSeq(endpoints)) continue;
    for (const e of endpoints.items as Node[]) {
      if (!isMap(e)) continue;
      const nameNode = get(e, 'dnsName');
      // Manifests of one folder (a chart's templates) share the stand-in of one expression.
      const named = ownerOf(str(nameNode), path.dirname(uri));
      const owner = named.owner;
      const rel = named.relative ? { relative: true as const } : undefined;
      const type = (str(get(e, 'recordType')) ?? '').toUpperCase();
      const targets = get(e, 'targets');
      const items = isSeq(targets) ? (targets.items as Node[]) : targets !== undefined ? [targets] : [];
      const ttl = Number(str(get(e, 'recordTTL')));
      // Where the name is written as one plain string, for navigation and rename (a template's `{{ … }}` is not).
      const ownerAt = owner !== undefined && !named.relative && isScalar(nameNode) && nameNode.range && typeof nameNode.value === 'string' ? { ownerRange: { start: nameNode.range[0], end: nameNode.range[1] } } : undefined;
      if (owner === undefined && nameNode?.range && (type === 'TXT' || type === 'SPF') && items.length)
        out.problems.push({ code: 'source/not-static', message: 'The record name holds a template expression (`{{ … }}`) that is filled in when the manifest is rendered, so checks that depend on the owner name are skipped.', uri, range: { start: nameNode.range[0], end: nameNode.range[1] } });
      if (type !== 'TXT' && type !== 'SPF') {
        // MX, A, CNAME… for the rules across records; one whose name is not known is kept for the name it points to.
        for (const t of items) {
          const v = withStandIn(str(t)?.trim() ?? '', named.expression, path.dirname(uri));
          if (!v) continue;
          // The name a CNAME, MX or NS record points to, where it is written.
          const dataAt = (type === 'CNAME' || type === 'MX' || type === 'NS' || type === 'SRV') && isScalar(t) && t.range && !String(t.value).includes('{{') ? { dataRange: { start: t.range[0], end: t.range[1] } } : undefined;
          out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata: v.split(/\s+/), uri, range: t.range ? { start: t.range[0], end: t.range[1] } : { start: 0, end: 0 }, ...rel, ...ownerAt, ...dataAt });
        }
        continue;
      }
      for (const t of items) {
        if (!isScalar(t) || typeof t.value !== 'string' || !t.range) continue;
        const y = decodeScalar(text, t);
        if (!y) continue;
        // Helm and Kustomize write manifests from templates: a `{{ … }}` left in the value is not known
        // here. A value that says what record it is before the first one is checked around them.
        const decoded = y.value.includes('{{') ? holesAt(y, TEMPLATE, HOLE) : y;
        const hole = decoded.value.indexOf(HOLE);
        if (hole >= 0 && !startsAsRecord(decoded.value.slice(0, hole))) {
          if (/v=(spf1|DMARC1|DKIM1)/i.test(y.value)) out.problems.push({ code: 'source/not-static', message: 'This TXT value holds a template expression (`{{ … }}`) where what record it is would show, so it is not checked.', uri, range: { start: t.range[0], end: t.range[1] } });
          continue;
        }
        if (hole >= 0) out.problems.push({ code: 'source/not-static', message: checkedAround(new RegExp(TEMPLATE.source).exec(y.value)?.[0] ?? 'a template expression'), uri, range: { start: t.range[0], end: t.range[1] } });
        if (owner === undefined) continue;
        const site = makeSite(uri, owner, type, decoded, undefined, { host: scalarHost(t) }, t, named.relative ? undefined : nameNode, text);
        if (named.relative) site.relative = true;
        out.sites.push(markHoles(site));
        out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata: [decoded.value], uri, range: site.range, site, ...rel, ...ownerAt });
      }
    }
  }
  return out;
}
