/**
 * A real authoritative DNS server on loopback for the tests (UDP and TCP, built on dns-packet): the
 * resolver under test talks to it over the network exactly as it would to any server. It can delay
 * answers, never answer some names, and truncate UDP answers so clients retry over TCP.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as packet from 'dns-packet';

export interface ZoneRecord {
  type: 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR' | 'CNAME' | 'NS';
  /** TXT: one string or several character-strings; MX: `pref host`. */
  data: string | string[];
}

export interface DnsServerOptions {
  delayMs?: number;
  /** Names whose queries are dropped (the client times out). */
  silent?: Set<string>;
  /** Names answered after their own delay (ms) instead of delayMs, so answers arrive out of order. */
  delays?: Map<string, number>;
  /** Answer every UDP query with TC=1 and no records, forcing TCP. */
  truncateUdp?: boolean;
}

export interface DnsServer {
  port: number;
  /** Queries received, by `TYPE name`. */
  queries: Map<string, number>;
  maxInflight: number;
  close(): Promise<void>;
}

export async function startDnsServer(zone: Record<string, ZoneRecord[]>, options: DnsServerOptions = {}): Promise<DnsServer> {
  const names = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const queries = new Map<string, number>();
  let inflight = 0;
  const state = { maxInflight: 0 };

  const answer = (query: packet.Packet, udp: boolean): Buffer | undefined => {
    const q = query.questions?.[0];
    if (!q) return undefined;
    const name = q.name.toLowerCase().replace(/\.$/, '');
    queries.set(`${q.type} ${name}`, (queries.get(`${q.type} ${name}`) ?? 0) + 1);
    if (options.silent?.has(name)) return undefined;
    const recs = names.get(name);
    const answers: packet.Answer[] = [];
    // As an authoritative server does (RFC 1034 §4.3.2 step 3a): a CNAME is answered, and the chain followed inside the zone.
    let owner = q.name;
    let at = recs;
    for (let links = 0; at && links <= 8; links++) {
      const cname = q.type !== 'CNAME' ? at.find((r) => r.type === 'CNAME') : undefined;
      if (!cname) break;
      answers.push({ name: owner, ttl: 300, class: 'IN', type: 'CNAME', data: String(cname.data) } as packet.Answer);
      owner = String(cname.data).replace(/\.$/, '');
      at = names.get(owner.toLowerCase());
    }
    for (const r of at ?? []) {
      if (r.type !== q.type) continue;
      const base = { name: owner, ttl: 300, class: 'IN' as const };
      if (r.type === 'TXT') answers.push({ ...base, type: 'TXT', data: (Array.isArray(r.data) ? r.data : [r.data]).map((s) => Buffer.from(s, 'latin1')) });
      else if (r.type === 'MX') {
        const [pref, host] = String(r.data).split(' ');
        answers.push({ ...base, type: 'MX', data: { preference: Number(pref), exchange: host } });
      } else answers.push({ ...base, type: r.type, data: String(r.data) } as packet.Answer);
    }
    const response: packet.Packet = {
      id: query.id,
      type: 'response',
      flags: packet.AUTHORITATIVE_ANSWER | (recs === undefined ? 3 : 0),
      questions: query.questions,
      answers,
    };
    if (udp && (options.truncateUdp || packet.encode(response).length > 512)) {
      return packet.encode({ ...response, flags: (response.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [] });
    }
    return packet.encode(response);
  };

  const respond = (buf: Buffer, udp: boolean, send: (b: Buffer) => void) => {
    let q: packet.Packet;
    try {
      q = packet.decode(buf);
    } catch {
      return;
    }
    inflight++;
    state.maxInflight = Math.max(state.maxInflight, inflight);
    const asked = q.questions?.[0]?.name.toLowerCase().replace(/\.$/, '');
    setTimeout(
      () => {
        inflight--;
        const out = answer(q, udp);
        // A delayed answer may come after close(): it is dropped.
        try {
          if (out) send(out);
        } catch {
          /* the socket is closed */
        }
      },
      (asked !== undefined ? options.delays?.get(asked) : undefined) ?? options.delayMs ?? 0,
    );
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => respond(msg, true, (b) => udp.send(b, rinfo.port, rinfo.address)));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const port = udp.address().port;
  const tcp = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        respond(buf.subarray(2, 2 + len), false, (b) => {
          const head = Buffer.alloc(2);
          head.writeUInt16BE(b.length);
          if (!sock.destroyed) sock.write(Buffer.concat([head, b]));
        });
        buf = buf.subarray(2 + len);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', r));
  return {
    port,
    queries,
    get maxInflight() {
      return state.maxInflight;
    },
    close: () =>
      new Promise<void>((r) => {
        udp.close();
        tcp.close(() => r());
      }),
  };
}
