import { negotiateLanguage, problemBody, problemResponse } from '../../../functions/shared/problem.js';
import { problemStatus, type ProblemCode } from '../../../functions/shared/errors.js';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en;q=0.5, zh-CN;q=0.9', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['zh-TW', 'en'],
    ['zh-HK', 'en'],
    ['zh-MO', 'en'],
    ['zh-Hant', 'en'],
    ['zh-Hant-TW', 'en'],
    ['zh-Hant-HK', 'en'],
    ['zh-Hant-CN', 'en'],
    ['zh-TW,zh;q=0.9,en;q=0.8', 'en'],
    ['en;q=0.5, zh-Hant;q=0.9', 'en'],
    ['fr, zh-SG;q=0.5', 'zh-CN'],
    ['fr-FR', 'en'],
    ['zh-CN;q=0', 'en'],
  ])('%s -> %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

describe('problemBody', () => {
  it('fills the localized detail template from the params', () => {
    const en = problemBody('unknown_sku', 422, 'en', { params: { sku: 'TEA-1' } });
    const zh = problemBody('unknown_sku', 422, 'zh-CN', { params: { sku: 'TEA-1' } });
    expect(en).toMatchObject({ type: '/problems/unknown_sku', status: 422, code: 'unknown_sku', title: 'Unknown SKU' });
    expect(en.detail).toContain('TEA-1');
    expect(zh.detail).toContain('TEA-1');
    expect(zh.title).not.toBe(en.title);
  });

  it('has an English and a Chinese text for every code, with no unfilled placeholders when params are given', () => {
    const params = { limit: 1, method: 'GET', market: 'US', sku: 'S', hsCode: '930100', state: 'paid', what: 'x' };
    for (const code of Object.keys(problemStatus) as ProblemCode[]) {
      for (const lang of ['en', 'zh-CN'] as const) {
        const body = problemBody(code, problemStatus[code], lang, { params });
        expect(body.title.length).toBeGreaterThan(0);
        expect(body.detail).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('is served as application/problem+json with the language', () => {
    const response = problemResponse(problemBody('not_found', 404, 'zh-CN'), 'zh-CN');
    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8', 'content-language': 'zh-CN' });
    expect(JSON.parse(String(response.body))).toMatchObject({ code: 'not_found', status: 404 });
  });
});
