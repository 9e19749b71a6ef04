/**
 * The host's service and protocol tables (`/etc/services`, `/etc/protocols`), which BIND asks through
 * getservbyname() and getprotobyname() for the names in a WKS record: named-checkzone's verdict on
 * `WKS 192.0.2.1 tcp smtp` depends on them, so ours reads the same files. Where they are missing (not
 * a POSIX system), every name is taken, as before.
 */
import * as fs from 'node:fs';

export interface HostTables {
  /** Service names and aliases, lower case, with the protocols (`tcp`, `udp`…) each is listed for. */
  services: Map<string, Set<string>>;
  /** Protocol names and aliases, as written (BIND matches them exactly), with their numbers. */
  protocols: Map<string, number>;
}

/** `name port/proto [aliases…] [# comment]` lines. */
export function parseServices(text: string): HostTables['services'] {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    const m = fields.length >= 2 ? /^\d+\/(\S+)$/.exec(fields[1]) : null;
    if (!m) continue;
    for (const name of [fields[0], ...fields.slice(2)]) {
      const key = name.toLowerCase();
      let protos = out.get(key);
      if (!protos) out.set(key, (protos = new Set()));
      protos.add(m[1].toLowerCase());
    }
  }
  return out;
}

/** `name number [aliases…] [# comment]` lines. */
export function parseProtocols(text: string): HostTables['protocols'] {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2 || !/^\d+$/.test(fields[1])) continue;
    for (const name of [fields[0], ...fields.slice(2)]) if (!out.has(name)) out.set(name, Number(fields[1]));
  }
  return out;
}

let tables: HostTables | null | undefined;

/** The host's tables, read once; null when either file cannot be read. */
export function hostTables(): HostTables | null {
  if (tables === undefined) {
    try {
      tables = { services: parseServices(fs.readFileSync('/etc/services', 'utf8')), protocols: parseProtocols(fs.readFileSync('/etc/protocols', 'utf8')) };
    } catch {
      tables = null;
    }
  }
  return tables;
}

/** For tests: tables of their own (null: none), or undefined to read the host's again. */
export function useHostTables(t: HostTables | null | undefined): void {
  tables = t;
}
