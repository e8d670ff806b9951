import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError, ProblemCode } from './errors.js';

/** The languages problems (and their pages) are written in. */
export const languages = ['en', 'zh-CN'] as const;
export type Language = (typeof languages)[number];

export interface ProblemText {
  readonly title: string;
  readonly detail: string;
}

/** Titles and details per code, English and Simplified Chinese. `{name}` is replaced from the error's params. */
export const problemMessages: Readonly<Record<ProblemCode, Readonly<Record<Language, ProblemText>>>> = {
  unauthenticated: {
    en: { title: 'Unauthenticated', detail: 'Send a valid API key as "Authorization: Bearer <key>".' },
    'zh-CN': { title: '未认证', detail: '请以 "Authorization: Bearer <密钥>" 提供有效的 API 密钥。' },
  },
  forbidden: {
    en: { title: 'Forbidden', detail: 'This API key may not use this operation.' },
    'zh-CN': { title: '禁止访问', detail: '该 API 密钥无权执行此操作。' },
  },
  validation_failed: {
    en: { title: 'Validation failed', detail: 'The request has invalid fields; see errors.' },
    'zh-CN': { title: '校验失败', detail: '请求中有无效字段，详见 errors。' },
  },
  malformed_json: {
    en: { title: 'Malformed JSON', detail: 'The request body is not valid JSON encoded in UTF-8.' },
    'zh-CN': { title: 'JSON 格式错误', detail: '请求体不是以 UTF-8 编码的有效 JSON。' },
  },
  payload_too_large: {
    en: { title: 'Payload too large', detail: 'The request body is larger than {limit} bytes.' },
    'zh-CN': { title: '请求体过大', detail: '请求体超过 {limit} 字节。' },
  },
  not_found: {
    en: { title: 'Not found', detail: 'The resource does not exist or is not visible to you.' },
    'zh-CN': { title: '未找到', detail: '资源不存在或您无权查看。' },
  },
  idempotency_key_required: {
    en: { title: 'Idempotency-Key required', detail: 'Send an Idempotency-Key header (1 to 255 characters).' },
    'zh-CN': { title: '缺少幂等键', detail: '请提供 Idempotency-Key 请求头（1 至 255 个字符）。' },
  },
  idempotency_key_reused: {
    en: { title: 'Idempotency-Key reused', detail: 'This Idempotency-Key was used with a different request body.' },
    'zh-CN': { title: '幂等键被重复使用', detail: '该 Idempotency-Key 已用于不同的请求体。' },
  },
  idempotency_in_progress: {
    en: { title: 'Request in progress', detail: 'A request with this Idempotency-Key is still being processed; retry shortly.' },
    'zh-CN': { title: '请求处理中', detail: '使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。' },
  },
  market_not_enabled: {
    en: { title: 'Market not enabled', detail: 'The merchant is not enrolled in market {market}.' },
    'zh-CN': { title: '市场未开通', detail: '商家未开通 {market} 市场。' },
  },
  unknown_sku: {
    en: { title: 'Unknown SKU', detail: 'SKU {sku} is not in your catalogue.' },
    'zh-CN': { title: '未知 SKU', detail: '商品目录中没有 SKU {sku}。' },
  },
  restricted_item: {
    en: { title: 'Restricted item', detail: 'SKU {sku} (HS {hsCode}) may not be shipped to {market}.' },
    'zh-CN': { title: '限制寄递物品', detail: 'SKU {sku}（HS {hsCode}）不能寄往 {market}。' },
  },
  invalid_state: {
    en: { title: 'Invalid state', detail: 'This operation is not allowed while the resource is in state "{state}".' },
    'zh-CN': { title: '状态不允许', detail: '资源当前状态为“{state}”，不允许此操作。' },
  },
  invalid_signature: {
    en: { title: 'Invalid signature', detail: 'The webhook signature is missing, wrong or outside the allowed time window.' },
    'zh-CN': { title: '签名无效', detail: 'Webhook 签名缺失、错误或超出允许的时间范围。' },
  },
  already_exists: {
    en: { title: 'Already exists', detail: 'This resource already exists.' },
    'zh-CN': { title: '已存在', detail: '该资源已存在。' },
  },
  internal_error: {
    en: { title: 'Internal error', detail: 'Something went wrong on our side. Retry later; quote the request ID if it persists.' },
    'zh-CN': { title: '内部错误', detail: '服务端出现问题，请稍后重试；如持续出现，请提供请求 ID。' },
  },
  service_unavailable: {
    en: { title: 'Service unavailable', detail: 'The service cannot reach its data store yet.' },
    'zh-CN': { title: '服务不可用', detail: '服务暂时无法访问数据存储。' },
  },
  unsupported_media_type: {
    en: { title: 'Unsupported media type', detail: 'Send the request body as application/json (UTF-8).' },
    'zh-CN': { title: '不支持的媒体类型', detail: '请以 application/json（UTF-8）格式发送请求体。' },
  },
};

/**
 * Details for a named reason (`params.reason`), when the code's one template cannot say it as a
 * sentence in both languages: callers pass a reason and plain values, never English phrases.
 */
export const problemReasons: Readonly<Partial<Record<ProblemCode, Readonly<Record<string, Readonly<Record<Language, string>>>>>>> = {
  invalid_state: {
    period_not_over: {
      en: 'The period {period} is not over yet.',
      'zh-CN': '期间 {period} 尚未结束。',
    },
    later_period_run: {
      en: 'A later period already has a payout run.',
      'zh-CN': '更晚的期间已有发放批次。',
    },
    run_in_progress: {
      en: 'Another payout run is still running.',
      'zh-CN': '另一个发放批次仍在运行。',
    },
    payment_in_progress: {
      en: 'The payment is being processed; retry shortly.',
      'zh-CN': '该付款正在处理中，请稍后重试。',
    },
    refunded_at_stripe: {
      en: 'Stripe already holds less than this refund (refunded elsewhere meanwhile).',
      'zh-CN': 'Stripe 上的可退金额已少于本次退款（已在别处退款）。',
    },
    only_secret: {
      en: 'This is the partner\'s only webhook secret; issue a new one before retiring it.',
      'zh-CN': '这是该合作方唯一的 Webhook 密钥，请先签发新密钥再停用它。',
    },
    rollover_in_progress: {
      en: 'The partner already has two webhook secrets; retire the old one first.',
      'zh-CN': '该合作方已有两个 Webhook 密钥，请先停用旧密钥。',
    },
  },
  already_exists: {
    merchant_uscc: {
      en: 'A merchant with this USCC already exists.',
      'zh-CN': '使用该统一社会信用代码的商家已存在。',
    },
    merchant_uscc_existing: {
      en: 'Merchant {merchantId} is already enrolled with this USCC.',
      'zh-CN': '使用该统一社会信用代码的商家 {merchantId} 已注册。',
    },
    partner_code: {
      en: 'A logistics partner with code {code} already exists.',
      'zh-CN': '代码为 {code} 的物流合作方已存在。',
    },
    tracking_number: {
      en: 'An active shipment of partner {partnerCode} already has tracking number {trackingNumber}.',
      'zh-CN': '合作方 {partnerCode} 的在途包裹已使用运单号 {trackingNumber}。',
    },
  },
};

/**
 * Which of our languages a Chinese tag gets. We have Simplified Chinese only: `zh-Hans*` and
 * plain `zh`, `zh-CN`, `zh-SG` (Simplified regions) get it; `zh-Hant*` and the Traditional
 * regions `zh-TW`, `zh-HK`, `zh-MO` get English rather than a script they did not ask for. The
 * script subtag, when present, decides (`zh-Hans-HK` is Simplified, `zh-Hant-CN` Traditional).
 */
const traditionalRegions = new Set(['tw', 'hk', 'mo']);
const chineseLanguage = (subtags: readonly string[]): Language => {
  const script = subtags.find((s) => /^[a-z]{4}$/.test(s));
  if (script === 'hant') return 'en';
  if (script === 'hans') return 'zh-CN';
  const region = subtags.find((s) => /^([a-z]{2}|\d{3})$/.test(s));
  return region !== undefined && traditionalRegions.has(region) ? 'en' : 'zh-CN';
};

/** The highest-ranked Chinese or English tag decides (see chineseLanguage); English otherwise. */
export const negotiateLanguage = (acceptLanguage: string | undefined): Language => {
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((e) => e.tag !== '' && Number.isFinite(e.q) && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const [primary, ...subtags] = tag.split('-');
    if (primary === 'zh') return chineseLanguage(subtags);
    if (primary === 'en' || tag === '*') return 'en';
  }
  return 'en';
};

const fill = (template: string, params: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

export const problemBody = (
  code: ProblemCode,
  status: number,
  lang: Language,
  extra: {
    params?: Readonly<Record<string, string | number>>;
    errors?: readonly FieldError[] | undefined;
    instance?: string;
    extensions?: Readonly<Record<string, string>> | undefined;
  } = {},
): ProblemBody => {
  const text = problemMessages[code][lang];
  const params = extra.params ?? {};
  const reason = typeof params.reason === 'string' ? problemReasons[code]?.[params.reason]?.[lang] : undefined;
  return {
    ...extra.extensions,
    type: `/problems/${code}`,
    title: text.title,
    status,
    code,
    detail: fill(reason ?? text.detail, params),
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
};

export const problemResponse = (
  body: ProblemBody,
  lang: Language,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: body.status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang, ...headers },
  body: JSON.stringify(body),
});
