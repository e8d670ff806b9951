import { randomUscc } from '../../scripts/demo-data.js';
import { request } from './http.js';

/** A fresh, valid Unified Social Credit Code (each enrolment needs its own). */
export { randomUscc };

export interface EnrolledMerchant {
  readonly merchantId: string;
  readonly apiKey: string;
}

export const enrolMerchant = async (baseUrl: string, adminKey: string, markets: string[] = ['US', 'HK']): Promise<EnrolledMerchant> => {
  const reply = await request(baseUrl, 'POST', '/v1/admin/merchants', {
    key: adminKey,
    body: { name: 'Hangzhou Tea & Silk Co.', uscc: randomUscc(), contactEmail: 'export@tea-silk.example.cn', markets },
  });
  if (reply.status !== 201) throw new Error(`enrolment failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { merchantId: String((reply.body.merchant as { id: string }).id), apiKey: String(reply.body.apiKey) };
};

/** The catalogue the order tests use (prices in fen). */
export const catalogue = {
  'TEA-1': { title: { en: 'Longjing green tea 250 g', zh: '龙井绿茶 250 克' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', price: { amount: 12800, currency: 'CNY' }, weightGrams: 250 },
  'SILK-1': { title: { en: 'Silk scarf' }, brand: 'Suzhou Silk', hsCode: '500720', originCountry: 'CN', price: { amount: 45900, currency: 'CNY' }, weightGrams: 300 },
  'SWORD-1': { title: { en: 'Decorative sword' }, brand: 'Longquan', hsCode: '930700', originCountry: 'CN', price: { amount: 99900, currency: 'CNY' }, weightGrams: 1500 },
  'BAIJIU-1': { title: { en: 'Baijiu 500 ml' }, brand: 'Fenjiu', hsCode: '220860', originCountry: 'CN', price: { amount: 36800, currency: 'CNY' }, weightGrams: 900 },
} as const;

export const listCatalogue = async (baseUrl: string, merchantKey: string): Promise<void> => {
  for (const [sku, product] of Object.entries(catalogue)) {
    const reply = await request(baseUrl, 'PUT', `/v1/products/${sku}`, { key: merchantKey, body: product });
    if (reply.status !== 201 && reply.status !== 200) throw new Error(`PUT ${sku}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
};

export const buyer = (country: 'US' | 'HK' | 'MO') => ({
  name: country === 'US' ? 'Alex Buyer' : '陳大文',
  email: 'buyer@example.com',
  address: { line1: '1 Harbour Road', city: country === 'US' ? 'Seattle' : country === 'HK' ? 'Hong Kong' : 'Macau', country },
});
