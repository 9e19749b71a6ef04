/**
 * Zones a source names only by an expression: a Terraform module's `zone_id = var.zone_id`, or a
 * zone resource whose `name` is a variable. The records that share such a zone share its apex, so
 * the checks across them (a `_dmarc` record covering the apex's SPF, the DKIM records of a platform
 * the SPF includes) hold whatever the domain turns out to be. Their owners are written under a
 * stand-in domain, one per zone: a name under `.invalid` (RFC 6761 §6.4, never a real domain), and
 * what the user reads shows the expression instead (`_dmarc.<var.zone_id>`).
 *
 * Records under a stand-in are still marked `relative`: rules that need the domain itself (its
 * Organizational Domain, where reports may go, a public suffix) skip them.
 */
import { createHash } from 'node:crypto';
import { HOLE } from '../records/holes';
import type { RecordSite } from '../types';

const STAND_IN = /\bzone-[0-9a-f]{10}\.invalid\b/g;
/** Stand-in → what it is shown as. */
const shownAs = new Map<string, string>();

/**
 * The stand-in domain of the zone a module (`scope`: its folder) names by `expression`
 * (`var.zone_id`, `aws_route53_zone.main`): the same for every record and every file of the module.
 */
export function standInZone(scope: string, expression: string): string {
  const name = `zone-${createHash('sha1').update(`${scope}\n${expression}`).digest('hex').slice(0, 10)}.invalid`;
  if (!shownAs.has(name)) shownAs.set(name, `<${expression}>`);
  return name;
}

/** Whether `name` is a stand-in or under one. */
export function underStandIn(name: string): boolean {
  return name.endsWith('.invalid') && /(^|\.)zone-[0-9a-f]{10}\.invalid$/.test(name);
}

let holes = false;

/**
 * Marks a site whose value holds parts not known statically (records/holes.HOLE, written by its
 * source), so the checks keep off them and what the user reads shows them as `…`.
 */
export function markHoles(site: RecordSite): RecordSite {
  if (site.value.includes(HOLE)) {
    site.holes = true;
    holes = true;
  }
  return site;
}

/** Whether any stand-in was made (in this process): else no text needs showNames. */
export function anyStandIn(): boolean {
  return shownAs.size > 0 || holes;
}

/** `text` with each stand-in domain shown as its zone's expression, and each unknown part as `…`. */
export function showNames(text: string): string {
  const shown = shownAs.size === 0 || !text.includes('.invalid') ? text : text.replace(STAND_IN, (m) => shownAs.get(m) ?? m);
  return holes && shown.includes(HOLE) ? shown.replaceAll(HOLE, '…') : shown;
}
