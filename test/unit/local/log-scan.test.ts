import { assertNoPiiOrSecretsInLogs, type LocalProcess } from '../../support/local-process.js';

const fake = (output: string): LocalProcess => ({ output: () => output }) as unknown as LocalProcess;
const banner = '  Admin key    xbk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n  Ctrl-C stops everything (DynamoDB Local included).\n';

describe('log scan (what the e2e journeys assert)', () => {
  it('passes clean structured logs and ignores the banner, which prints the admin key on purpose', () => {
    expect(assertNoPiiOrSecretsInLogs(fake(`${banner}{"level":"INFO","message":"request refused","code":"not_found"}\n`))).toEqual({ lines: 1 });
  });

  it.each([
    ['an e-mail address', '{"buyer":"alex@example.com"}'],
    ['an API key', '{"key":"xbk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}'],
    ['a webhook secret', '{"s":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}'],
    ['a Stripe key', '{"k":"sk_test_51Habc"}'],
    ['a PaymentIntent client secret', '{"c":"pi_3Qx_secret_abc"}'],
  ])('refuses %s in a log line', (_, line) => {
    expect(() => assertNoPiiOrSecretsInLogs(fake(`${banner}${line}\n`))).toThrow('a log line leaks');
  });

  it('refuses a known value', () => {
    expect(() => assertNoPiiOrSecretsInLogs(fake(`${banner}{"name":"陳大文"}\n`), ['陳大文'])).toThrow('陳大文');
  });
});
