/**
 * Record sites in Kubernetes manifests of ExternalDNS's `DNSEndpoint` resource
 * (`externaldns.k8s.io/v1alpha1`): `spec.endpoints[]` with `dnsName`, `recordType` and `targets`, each
 * target one record as the provider publishes it. A manifest file may hold several documents (`---`);
 * each `DNSEndpoint` among them is read.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { markHoles } from '../util/zonenames';
import { decodeScalar, get, makeSite, scalarHost, str } from './yamlscalar';
import type { ZoneFile } from './zonefile';

/** The documents of a manifest, or undefined when it does not parse at all. */
function documents(text: string): Document[] | undefined {
  try {
    const docs = parseAllDocuments(text, { strict: false, uniqueKeys: false, logLevel: 'silent', prettyErrors: false });
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
      const owner = str(nameNode)?.trim().toLowerCase().replace(/\.$/, '') || undefined;
      const type = (str(get(e, 'recordType')) ?? '').toUpperCase();
      const targets = get(e, 'targets');
      const items = isSeq(targets) ? (targets.items as Node[]) : targets !== undefined ? [targets] : [];
      const ttl = Number(str(get(e, 'recordTTL')));
      if (type !== 'TXT' && type !== 'SPF') {
        // MX, A, CNAME… for the rules across records.
        if (owner === undefined) continue;
        for (const t of items) {
          const v = str(t)?.trim();
          if (v === undefined) continue;
          out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata: v.split(/\s+/), uri, range: t.range ? { start: t.range[0], end: t.range[1] } : { start: 0, end: 0 } });
        }
        continue;
      }
      for (const t of items) {
        if (!isScalar(t) || typeof t.value !== 'string' || !t.range) continue;
        const y = decodeScalar(text, t);
        if (!y) continue;
        // Helm and Kustomize write manifests from templates: a `{{ … }}` left in the file is not known here.
        if (/\{\{/.test(y.value)) {
          if (/v=(spf1|DMARC1|DKIM1)/i.test(y.value)) out.problems.push({ code: 'source/not-static', message: 'This TXT value holds a template expression (`{{ … }}`) that is filled in when the manifest is rendered, so it is not checked.', uri, range: { start: t.range[0], end: t.range[1] } });
          continue;
        }
        const site = makeSite(uri, owner, type, y, undefined, { host: scalarHost(t) }, t, nameNode, text);
        out.sites.push(markHoles(site));
        out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata: [y.value], uri, range: site.range, site });
      }
    }
  }
  return out;
}
