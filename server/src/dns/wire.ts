/**
 * A small DNS stub client on the wire format (dns-packet): UDP with retry over TCP when the answer is
 * truncated, a timeout per query, several servers tried in turn. Unlike node's resolver it can ask for
 * any name SPF macros produce (spaces, `%`) and it reports TTLs, so answers are cached for as long
 * as the server allows.
 */
import * as dgram from 'node:dgram';
import { getServers } from 'node:dns';
import * as net from 'node:net';
import * as packet from 'dns-packet';
import type { RRType } from './types';

export interface WireAnswer {
  rcode: number;
  records: string[];
  /** The CNAME targets the server's answer went through, in order. */
  aliases: string[];
  /** Seconds the answer may be cached (min TTL of the answers, or of the SOA for a negative answer). */
  ttl: number;
}

export interface Server {
  host: string;
  port: number;
}

/**
 * Why `HOST[:PORT]` cannot name a DNS server (IPv6 in brackets, a port 1-65535, a dotted quad that is
 * an IPv4 address), or undefined when it can. For `--dns` and the dmarcLens.dns.servers setting.
 */
export function serverProblem(s: string): string | undefined {
  const m = /^(?:\[([^\]]*)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(s);
  if (!m) return 'write HOST or HOST:PORT, an IPv6 address in brackets ([2001:db8::53]:53)';
  if (m[1] !== undefined && !net.isIPv6(m[1])) return `${m[1]} is not an IPv6 address`;
  if (m[2] !== undefined && /^[\d.]+$/.test(m[2]) && !net.isIPv4(m[2])) return `${m[2]} is not an IPv4 address`;
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return `port ${m[3]} is not 1-65535`;
  return undefined;
}

export function parseServer(s: string): Server {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1], port: Number(v6[2] ?? 53) };
  const colon = s.split(':');
  if (colon.length === 2) return { host: colon[0], port: Number(colon[1]) };
  return { host: s, port: 53 };
}

export function systemServers(): Server[] {
  return getServers().map(parseServer);
}

function decodeAnswer(res: packet.Packet, type: RRType): WireAnswer {
  const rcode = (res.flags ?? 0) & 15;
  const answers = (res.answers ?? []).filter((a) => a.type === type);
  const records = answers.map((a) => {
    switch (a.type) {
      case 'TXT':
        return (Array.isArray(a.data) ? a.data : [a.data]).map((b) => (Buffer.isBuffer(b) ? b.toString('utf8') : String(b))).join('');
      case 'MX':
        return `${a.data.preference} ${a.data.exchange}`;
      default:
        return 'data' in a ? String(a.data) : '';
    }
  });
  const ttlOf = (a: packet.Answer) => ('ttl' in a && typeof a.ttl === 'number' ? a.ttl : 300);
  const soa = (res.authorities ?? []).find((a) => a.type === 'SOA');
  const negative = soa && soa.type === 'SOA' ? Math.min(ttlOf(soa), soa.data.minimum ?? 300) : 60;
  const ttl = answers.length ? Math.min(...answers.map(ttlOf)) : negative;
  const aliases = (res.answers ?? []).flatMap((a) => (a.type === 'CNAME' && type !== ('CNAME' as RRType) ? [String(a.data).toLowerCase().replace(/\.$/, '')] : []));
  return { rcode, records, ttl, aliases };
}

function udpQuery(server: Server, query: Buffer, id: number, timeoutMs: number): Promise<packet.Packet> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(Object.assign(new Error(`no answer from ${server.host}:${server.port} within ${timeoutMs} ms`), { code: 'ETIMEOUT' }));
    }, timeoutMs);
    sock.on('message', (msg) => {
      let res: packet.Packet;
      try {
        res = packet.decode(msg);
      } catch {
        return;
      }
      if (res.id !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(res);
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(query, server.port, server.host);
  });
}

function tcpQuery(server: Server, query: Buffer, timeoutMs: number): Promise<packet.Packet> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, server.host);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error(`no TCP answer from ${server.host}:${server.port} within ${timeoutMs} ms`), { code: 'ETIMEOUT' }));
    }, timeoutMs);
    sock.on('connect', () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(query.length);
      sock.write(Buffer.concat([head, query]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        try {
          resolve(packet.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        } catch (e) {
          reject(e);
        }
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** One question to the first server that answers; TCP when the UDP answer is truncated (RFC 7766). */
export async function wireQuery(servers: Server[], name: string, type: RRType, timeoutMs: number): Promise<WireAnswer> {
  let last: unknown;
  for (const server of servers) {
    const id = Math.floor(Math.random() * 65536);
    const query = packet.encode({ id, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
    try {
      let res = await udpQuery(server, query, id, timeoutMs);
      if ((res.flags ?? 0) & packet.TRUNCATED_RESPONSE) res = await tcpQuery(server, query, timeoutMs);
      return decodeAnswer(res, type);
    } catch (e) {
      last = e;
    }
  }
  throw last ?? new Error('no DNS servers');
}
