/**
 * SSRF guard for merchant webhook URLs. On AWS stages a URL must be `https://` and every
 * address its host resolves to must be a public unicast address: loopback, private,
 * carrier-grade NAT, link-local (the 169.254.169.254 metadata service), unique-local,
 * multicast, documentation and reserved ranges are refused, in IPv4 and IPv6 form,
 * including IPv4-mapped and NAT64 IPv6. Numeric hosts in decimal, hex or octal
 * (`http://2130706433/`, `http://0x7f.1/`) are normalized by the WHATWG URL parser
 * first, so they are judged as the address they mean. The same check runs when the
 * URL is registered and at connect time of every delivery (guardedLookup), so a DNS
 * answer that changed since registration cannot reach an internal address.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local (AWS IMDS over IPv6 is fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:a.b.c.d` or `::ffff:7f00:1` -> `a.b.c.d`; other addresses unchanged. */
const unmapped = (address: string): string => {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return address;
};

/** True when an IP address may be called: public unicast only. Anything unparsable is refused. */
export const isPublicAddress = (address: string): boolean => {
  const plain = unmapped(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const family = isIP(plain);
  if (family === 0) return false;
  return !blocked.check(plain, family === 4 ? 'ipv4' : 'ipv6');
};

export type UrlRefusal = 'not_a_url' | 'scheme' | 'credentials' | 'internal_host' | 'unresolvable';

export class UrlRefusedError extends Error {
  constructor(
    readonly reason: UrlRefusal,
    readonly url: string,
  ) {
    super(`webhook URL refused (${reason})`);
    this.name = 'UrlRefusedError';
  }
}

export type Resolve = (host: string) => Promise<readonly string[]>;

const internalNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

export const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });

/** The URL's host as the connection will use it: brackets removed from IPv6 literals. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a webhook URL. `enforce` (AWS stages): `https:` only, and every address the host
 * resolves to must be public. Locally (`enforce` false) `http:` to loopback is allowed, so a
 * merchant can try webhooks on its laptop. Throws UrlRefusedError; returns the parsed URL.
 */
export const checkWebhookUrl = async (raw: string, options: { enforce: boolean; resolve?: Resolve }): Promise<URL> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError('not_a_url', raw);
  }
  if (url.username !== '' || url.password !== '') throw new UrlRefusedError('credentials', raw);
  const schemes = options.enforce ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) throw new UrlRefusedError('scheme', raw);
  if (!options.enforce) return url;
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    if (!isPublicAddress(host)) throw new UrlRefusedError('internal_host', raw);
    return url;
  }
  if (internalNames.test(host.replace(/\.$/, ''))) throw new UrlRefusedError('internal_host', raw);
  let addresses: readonly string[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch {
    throw new UrlRefusedError('unresolvable', raw);
  }
  if (addresses.length === 0) throw new UrlRefusedError('unresolvable', raw);
  if (!addresses.every(isPublicAddress)) throw new UrlRefusedError('internal_host', raw);
  return url;
};

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses internal addresses at connect time: the
 * socket can only go to an address this function vetted (no window for DNS rebinding).
 */
export const guardedLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
  dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, []);
      return;
    }
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (addresses.length === 0 || refused) {
      const denial = Object.assign(new Error(`${hostname} resolves to an address webhooks may not reach`), { code: 'EADDRREFUSED' });
      callback(denial, []);
      return;
    }
    if (options.all) callback(null, addresses);
    else {
      const [first] = addresses;
      if (first) callback(null, first.address, first.family);
    }
  });
};
