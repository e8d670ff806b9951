import { checkWebhookUrl, guardedLookup, isPublicAddress, UrlRefusedError, type Resolve } from '../../../functions/notifications/url-guard.js';
import { sendWebhook } from '../../../functions/notifications/sender.js';

/** DNS for the table: names resolve to what a hostile (or changed) record would say. */
const dns: Record<string, string[]> = {
  'hooks.shop.example': ['93.184.216.34'],
  'dual.shop.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'rebind.attacker.example': ['93.184.216.34', '127.0.0.1'],
  'internal.attacker.example': ['10.0.0.5'],
  'metadata.attacker.example': ['169.254.169.254'],
  'v6loop.attacker.example': ['::1'],
  'mapped.attacker.example': ['::ffff:192.168.1.1'],
};
const resolve: Resolve = (host) => {
  const found = dns[host];
  return found ? Promise.resolve(found) : Promise.reject(new Error('ENOTFOUND'));
};
const check = (url: string) => checkWebhookUrl(url, { enforce: true, resolve });
const reasonOf = async (url: string): Promise<string> => {
  try {
    await check(url);
    return 'accepted';
  } catch (error) {
    if (error instanceof UrlRefusedError) return error.reason;
    throw error;
  }
};

describe('webhook URL guard on AWS stages', () => {
  it.each([
    // IPv4 loopback, private, link-local, metadata, CGNAT, unspecified, broadcast, multicast
    ['https://127.0.0.1/hooks', 'internal_host'],
    ['https://127.1.2.3/', 'internal_host'],
    ['https://10.1.2.3/', 'internal_host'],
    ['https://172.16.0.1/', 'internal_host'],
    ['https://172.31.255.255/', 'internal_host'],
    ['https://192.168.0.10/', 'internal_host'],
    ['https://169.254.169.254/latest/meta-data/', 'internal_host'],
    ['https://169.254.0.1/', 'internal_host'],
    ['https://100.64.0.1/', 'internal_host'],
    ['https://0.0.0.0/', 'internal_host'],
    ['https://255.255.255.255/', 'internal_host'],
    ['https://224.0.0.1/', 'internal_host'],
    // Numeric encodings the URL parser turns into 127.0.0.1 / 169.254.169.254
    ['https://2130706433/', 'internal_host'],
    ['https://0x7f000001/', 'internal_host'],
    ['https://0x7f.1/', 'internal_host'],
    ['https://0177.0.0.1/', 'internal_host'],
    ['https://017700000001/', 'internal_host'],
    ['https://127.1/', 'internal_host'],
    ['https://2852039166/', 'internal_host'],
    ['https://0xA9FEA9FE/', 'internal_host'],
    // IPv6 loopback, unspecified, unique-local (AWS IMDS fd00:ec2::254), link-local, multicast
    ['https://[::1]/', 'internal_host'],
    ['https://[0:0:0:0:0:0:0:1]/', 'internal_host'],
    ['https://[::]/', 'internal_host'],
    ['https://[fd00:ec2::254]/', 'internal_host'],
    ['https://[fc00::1]/', 'internal_host'],
    ['https://[fe80::1]/', 'internal_host'],
    ['https://[ff02::1]/', 'internal_host'],
    // IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms of internal addresses
    ['https://[::ffff:127.0.0.1]/', 'internal_host'],
    ['https://[::ffff:7f00:1]/', 'internal_host'],
    ['https://[::ffff:169.254.169.254]/', 'internal_host'],
    ['https://[0:0:0:0:0:ffff:10.0.0.1]/', 'internal_host'],
    ['https://[::127.0.0.1]/', 'internal_host'],
    ['https://[64:ff9b::7f00:1]/', 'internal_host'],
    ['https://[2002:7f00:1::]/', 'internal_host'],
    // Names: internal by name, or resolving (wholly or partly) to internal addresses
    ['https://localhost/', 'internal_host'],
    ['https://LOCALHOST./', 'internal_host'],
    ['https://metadata.google.internal/', 'internal_host'],
    ['https://rebind.attacker.example/', 'internal_host'],
    ['https://internal.attacker.example/', 'internal_host'],
    ['https://metadata.attacker.example/', 'internal_host'],
    ['https://v6loop.attacker.example/', 'internal_host'],
    ['https://mapped.attacker.example/', 'internal_host'],
    ['https://nowhere.example/', 'unresolvable'],
    // Scheme and shape
    ['http://hooks.shop.example/', 'scheme'],
    ['ftp://hooks.shop.example/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['https://user:secret@hooks.shop.example/', 'credentials'],
    ['not a url', 'not_a_url'],
    ['/relative/hooks', 'not_a_url'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await reasonOf(url)).toBe(reason);
  });

  it.each(['https://hooks.shop.example/webhooks', 'https://dual.shop.example:8443/x?y=1', 'https://93.184.216.34/', 'https://[2606:4700:4700::1111]/', 'https://[::ffff:8.8.8.8]/'])(
    'accepts %s',
    async (url) => {
      expect(await reasonOf(url)).toBe('accepted');
    },
  );

  it('allows http:// and loopback locally, where merchants try webhooks on their laptop', async () => {
    await expect(checkWebhookUrl('http://127.0.0.1:4000/hooks', { enforce: false })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('ftp://127.0.0.1/', { enforce: false })).rejects.toThrow(UrlRefusedError);
  });

  it('classifies addresses, refusing anything unparsable', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:a9fe:a9fe')).toBe(false);
    expect(isPublicAddress('fe80::1%eth0')).toBe(false);
    expect(isPublicAddress('example.com')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });

  it('refuses again at connect time: a name that now resolves to loopback gets no connection', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((done) => guardedLookup('localhost', {}, (e) => done(e)));
    expect(error?.code).toBe('EADDRREFUSED');
    const all = await new Promise<NodeJS.ErrnoException | null>((done) => guardedLookup('localhost', { all: true }, (e) => done(e)));
    expect(all?.code).toBe('EADDRREFUSED');
  });

  it('a delivery to an internal URL is refused before any request is made', async () => {
    const outcome = await sendWebhook(
      { url: 'http://2130706433:9/hooks', id: 'msg_1', body: '{}', secrets: ['whsec_dGVzdC13ZWJob29rLXNlY3JldA=='], timestamp: new Date(0) },
      { enforce: true },
    );
    expect(outcome).toEqual({ status: null, error: 'url_refused:scheme' });
    const https = await sendWebhook(
      { url: 'https://0x7f.1:9/hooks', id: 'msg_1', body: '{}', secrets: ['whsec_dGVzdC13ZWJob29rLXNlY3JldA=='], timestamp: new Date(0) },
      { enforce: true },
    );
    expect(https).toEqual({ status: null, error: 'url_refused:internal_host' });
  });
});
