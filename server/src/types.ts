/**
 * The shapes every stage of the pipeline meets at (see GUIDE §1). No VS Code or LSP types here:
 * the CLI, the language server and the tests share them.
 */
import type { SourceMap } from './sourcemap';

/** A half-open range of UTF-16 offsets, either in record-value space or in document space. */
export interface OffsetRange {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** One character-string of a TXT record, in value space, with its length in bytes on the wire. */
export interface CharString {
  start: number;
  end: number;
  bytes: number;
}

/**
 * How to write a new value back into the file it came from: the host syntax of the string that holds
 * it, plus the layers inside that string (octoDNS `\;`, Route 53 / CloudFormation `"…" "…"` strings).
 */
export interface ValueSyntax {
  host: 'zone' | 'yaml-plain' | 'yaml-single' | 'yaml-double' | 'yaml-block' | 'hcl' | 'js' | 'text';
  /** octoDNS: `;` is written `\;`. */
  semicolons?: boolean;
  /** The value is written as quoted character-strings inside the host string (`"v=spf1 " "-all"`). */
  charStrings?: boolean;
  /** Terraform aws_route53_record: `""` inside the value separates character-strings. */
  route53Split?: boolean;
}

/** One TXT/SPF record as written somewhere, with a map from value offsets back to the document. */
export interface RecordSite {
  /** Absolute owner name, lower case, no trailing dot; undefined where the file cannot tell. */
  owner: string | undefined;
  type: 'TXT' | 'SPF';
  /** What DNS would serve: the character-strings joined with no separator (RFC 7208 §3.3). */
  value: string;
  strings: CharString[];
  map: SourceMap;
  syntax: ValueSyntax;
  uri: string;
  /** The whole resource record in the document. */
  range: OffsetRange;
  /** The owner name token, or the record start when the owner was inherited. */
  ownerRange: OffsetRange;
  /** Set when an incremental re-read replaced this record (findings anchored to it are stale). */
  superseded?: boolean;
  /** The map is only approximate (every offset lands on the whole string): findings, but no fixes. */
  coarse?: boolean;
  /**
   * The value is built from pieces written in several places (`join(" ", ["v=spf1", "+all"])`): a fix
   * is offered only where all its edits fall inside one literal run written once (SourceMap.exact).
   */
  pieces?: boolean;
  /**
   * The value holds records/holes.HOLE where a part not known statically stands (a Terraform
   * `${var.domain}`): the rest is checked, and findings that the unknown part could change are not kept.
   */
  holes?: boolean;
  /**
   * One of the values a conditional chooses at deployment (Terraform `cond ? "v=DMARC1; p=reject" : "…"`):
   * checked on its own, but not a record of the model (rules across records, the workspace) — the
   * source publishes one record there, its value not known.
   */
  alternative?: true;
  /** For a plain YAML scalar: its source text, so an edit that would change its YAML type can requote it. */
  hostSource?: string;
  /** Zone files: the data is between typographic quotes (zone/typographic-quotes reports and fixes that). */
  typographicQuotes?: boolean;
  /**
   * The owner is relative to a zone the source does not name (a Terraform record whose zone is an
   * expression): its labels are known, the domain is not, so rules about the domain skip it.
   */
  relative?: boolean;
}

/** Any resource record found in a source, for cross-record checks (CNAME, MX, …). */
export interface ResourceRecord {
  owner: string | undefined;
  type: string;
  ttl: number | undefined;
  rdata: string[];
  uri: string;
  range: OffsetRange;
  site?: RecordSite;
  /** Set when an incremental re-read replaced this record (findings anchored to it are stale). */
  superseded?: boolean;
  /** Zone files: characters after the record up to the end of its line (a comment). */
  trailing?: number;
  /** Zone files: made by a `$GENERATE` line (its range is the line's, the same for all the records of one line). */
  generated?: boolean;
  /** As RecordSite.relative. */
  relative?: boolean;
  /**
   * A CNAME that its DNS host serves as the target's addresses, not as a CNAME: Cloudflare flattens
   * one at the zone apex, and answers for a proxied one with its own A/AAAA records. Other data may
   * sit beside it.
   */
  flattened?: boolean;
  /**
   * An owner computed at deploy time whose end is written (`"${aws_ses_domain_dkim.x.dkim_tokens[count.index]}._domainkey"`):
   * what it ends with, absolute (`_domainkey.example.com`), while `owner` is undefined.
   */
  ownerSuffix?: string;
  /** Infrastructure as code: where the record's name is written (Terraform's `name` attribute, an octoDNS key, a DNSControl record's first argument), for navigation. */
  ownerRange?: OffsetRange;
  /** Infrastructure as code: where the name a CNAME, MX, NS or SRV record points to is written. */
  dataRange?: OffsetRange;
  /**
   * Infrastructure as code: the zone the record is published in, when the source names it (its
   * domain, or a stand-in for one named by an expression: util/zonenames). Zone files say it with an SOA.
   */
  zone?: string;
  /**
   * Infrastructure as code whose resource is the whole record set of its name and type (Route 53,
   * Cloud DNS, Azure DNS): that resource's address and where it starts, the module it is in (a
   * Terraform folder, a CloudFormation template), the zone as the resource writes it, and its routing
   * identifier (Route 53's `set_identifier`), which tell record sets apart.
   */
  recordSet?: { resource: string; at: number; module: string; tool: 'terraform' | 'cloudformation'; zoneRef: string; routing?: string };
}

export interface TextEdit {
  range: OffsetRange;
  newText: string;
  /** Another file than the finding's (a sender fix that publishes records in the zone). */
  uri?: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedInfo {
  uri: string;
  range: OffsetRange;
  message: string;
}

/** A finding in document space, ready for any front end. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  uri: string;
  range: OffsetRange;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** What the finding is about, for fingerprints that survive edits elsewhere (owner and record value). */
  context?: string;
  /**
   * What a front end last built for this finding (the server: the LSP diagnostic it sent). A
   * DocumentAnalyzer hands out the same finding object across re-checks while its record is unchanged
   * or only moved, so this is worth keeping; whoever reads it checks it still fits.
   */
  shown?: unknown;
}
