/**
 * What each problem code means and what a client does about it, in English and Simplified
 * Chinese: the text of the pages its `type` URI (`/problems/{code}`) resolves to. Keyed by
 * `ProblemCode` (errors.ts), so a code cannot be added without its explanation (the compiler
 * refuses), and the pages take the status from errors.ts and the title, detail and per-reason
 * sentences from problem.ts: nothing here restates them. Only the problem pages import this
 * (every other handler's bundle stays as it was).
 */
import type { FieldError, ProblemCode } from './errors.js';
import { bodyLimitBytes } from './contracts.js';
import { problemBody, type Language, type ProblemBody } from './problem.js';

export interface ProblemGuide {
  /** When the API answers it. */
  readonly when: string;
  /** What the client does next. */
  readonly fix: string;
}

export const problemGuide: Readonly<Record<ProblemCode, Readonly<Record<Language, ProblemGuide>>>> = {
  unauthenticated: {
    en: {
      when: 'The request has no `Authorization` header, the header is not `Bearer <key>`, or the key is unknown, revoked, or expired after a rotation.',
      fix: 'Send the API key you were issued as `Authorization: Bearer xbk_...`. A lost key cannot be shown again: ask an operator to issue a new one (merchants can rotate their own).',
    },
    'zh-CN': {
      when: '请求没有 `Authorization` 请求头、格式不是 `Bearer <密钥>`，或密钥未知、已吊销、或在轮换后已过期。',
      fix: '以 `Authorization: Bearer xbk_...` 发送签发给您的 API 密钥。遗失的密钥无法再次显示：请运营人员签发新密钥（商家可自行轮换）。',
    },
  },
  forbidden: {
    en: {
      when: "The key is valid, but its role (`admin`, `merchant`, `finance`) may not call this route: for example a finance key on an operator route.",
      fix: 'Use a key of a role the route allows; each operation in the API reference (`/docs`) lists its roles.',
    },
    'zh-CN': {
      when: '密钥有效，但其角色（`admin`、`merchant`、`finance`）无权调用此接口，例如用财务密钥调用运营接口。',
      fix: '使用该接口允许的角色的密钥；API 参考文档（`/docs`）中每个操作都列出了允许的角色。',
    },
  },
  validation_failed: {
    en: {
      when: 'A field of the body, the query or the path is missing, of the wrong type or out of range. `errors[]` lists every invalid field with its `path` and a message.',
      fix: 'Correct the fields `errors[]` names and send the request again. Sending it unchanged gives the same answer.',
    },
    'zh-CN': {
      when: '请求体、查询参数或路径中的字段缺失、类型错误或超出范围。`errors[]` 列出每个无效字段的 `path` 和说明。',
      fix: '修正 `errors[]` 中列出的字段后重新发送。原样重发会得到相同的结果。',
    },
  },
  malformed_json: {
    en: {
      when: 'The body cannot be parsed: it is not JSON, or its bytes are not valid UTF-8.',
      fix: 'Send a JSON document encoded in UTF-8 with `Content-Type: application/json`.',
    },
    'zh-CN': {
      when: '请求体无法解析：不是 JSON，或其字节不是有效的 UTF-8。',
      fix: '以 `Content-Type: application/json` 发送 UTF-8 编码的 JSON 文档。',
    },
  },
  payload_too_large: {
    en: {
      when: 'The body is larger than 256 KB.',
      fix: 'Send less per request: for example a partner sends tracking events in batches of at most 100.',
    },
    'zh-CN': {
      when: '请求体超过 256 KB。',
      fix: '每次请求少发一些数据，例如物流合作方每批最多发送 100 个轨迹事件。',
    },
  },
  not_found: {
    en: {
      when: 'The resource does not exist, or it is not visible to your key: another merchant\'s order answers the same as one that never existed. Unknown paths answer it too.',
      fix: 'Check the id and the key. Ids are opaque: use them exactly as the API returned them.',
    },
    'zh-CN': {
      when: '资源不存在，或您的密钥无权查看：其他商家的订单与不存在的订单返回相同结果。未知路径也返回此错误。',
      fix: '检查 ID 和密钥。ID 是不透明的：请原样使用 API 返回的 ID。',
    },
  },
  idempotency_key_required: {
    en: {
      when: '`POST /v1/orders` or `POST /v1/orders/{id}/refunds` came without an `Idempotency-Key` header (1 to 255 characters).',
      fix: 'Generate a key per logical request (a UUID) and send it with every retry of that request.',
    },
    'zh-CN': {
      when: '`POST /v1/orders` 或 `POST /v1/orders/{id}/refunds` 请求未带 `Idempotency-Key` 请求头（1 至 255 个字符）。',
      fix: '为每个业务请求生成一个键（例如 UUID），并在该请求的每次重试中发送同一个键。',
    },
  },
  idempotency_key_reused: {
    en: {
      when: 'This `Idempotency-Key` was used before with a different body. A key names one request: the API will not apply another body under it.',
      fix: 'Use a new key for a new request; retry with the same key only with exactly the same body.',
    },
    'zh-CN': {
      when: '该 `Idempotency-Key` 之前已用于不同的请求体。一个键只对应一个请求，API 不会在同一键下执行另一个请求体。',
      fix: '新请求请使用新键；只有请求体完全相同时才用同一键重试。',
    },
  },
  idempotency_in_progress: {
    en: {
      when: 'The first request with this `Idempotency-Key` is still running, or a concurrent change of the same resource won the race (endpoint and partner secret changes, take rates).',
      fix: 'Retry after a short wait (with jitter). The retry answers as the first request did, or applies to the fresh state.',
    },
    'zh-CN': {
      when: '使用该 `Idempotency-Key` 的首个请求仍在处理中，或对同一资源的并发修改先完成（Webhook 端点、合作方密钥、费率的修改）。',
      fix: '稍候（加随机抖动）重试。重试将返回与首个请求相同的结果，或基于最新状态执行。',
    },
  },
  market_not_enabled: {
    en: {
      when: "The order ships to a market (`US`, `HK`, `MO`) the merchant did not enrol in.",
      fix: 'Ship only to the merchant\'s enrolled markets (`GET /v1/admin/merchants/{id}` shows them); an operator enrols a merchant in more.',
    },
    'zh-CN': {
      when: '订单的目的市场（`US`、`HK`、`MO`）不在商家已开通的市场内。',
      fix: '仅寄往商家已开通的市场（可通过 `GET /v1/admin/merchants/{id}` 查看）；如需开通更多市场请联系运营人员。',
    },
  },
  unknown_sku: {
    en: {
      when: 'An order item names a SKU that is not in the merchant\'s catalogue.',
      fix: 'List the product first (`PUT /v1/products/{sku}`), or correct the SKU.',
    },
    'zh-CN': {
      when: '订单商品的 SKU 不在商家的商品目录中。',
      fix: '先上架该商品（`PUT /v1/products/{sku}`），或更正 SKU。',
    },
  },
  restricted_item: {
    en: {
      when: 'An item may not be shipped to the destination: everywhere arms (HS chapter 93), tobacco (2401-2403) and explosives or fireworks (3601-3604); to HK and MO also spirits (2208).',
      fix: 'Remove the item from the order, or ship it to a market that allows it.',
    },
    'zh-CN': {
      when: '商品不能寄往目的地：所有市场禁寄武器（HS 第 93 章）、烟草（2401-2403）、炸药与烟花（3601-3604）；香港和澳门另禁寄烈酒（2208）。',
      fix: '从订单中移除该商品，或寄往允许的市场。',
    },
  },
  invalid_state: {
    en: {
      when: "The resource's current state does not allow this operation: cancelling a shipped order, booking a parcel of an unpaid order, a payout run for a period not over yet, a partner secret change out of turn.",
      fix: 'Read the resource to see its state; `detail` says which rule applied. Retrying unchanged gives the same answer until the state changes.',
    },
    'zh-CN': {
      when: '资源当前状态不允许此操作，例如取消已发货的订单、为未付款订单预订包裹、为尚未结束的期间发放、不按顺序修改合作方密钥。',
      fix: '读取资源查看其状态；`detail` 说明适用的规则。状态改变之前原样重试会得到相同结果。',
    },
  },
  invalid_signature: {
    en: {
      when: 'A webhook signature is missing, does not match the raw body and secret, or its timestamp is more than 300 seconds away from the server clock. (Stripe webhooks answer it with status 400.)',
      fix: 'Sign the exact bytes you send with the current secret (Standard Webhooks: `{webhook-id}.{webhook-timestamp}.{body}`), with a fresh timestamp; check your clock.',
    },
    'zh-CN': {
      when: 'Webhook 签名缺失、与原始请求体和密钥不符，或其时间戳与服务器时间相差超过 300 秒。（Stripe webhook 以状态码 400 返回。）',
      fix: '用当前密钥对实际发送的字节签名（Standard Webhooks：`{webhook-id}.{webhook-timestamp}.{body}`），使用新的时间戳，并检查本机时钟。',
    },
  },
  already_exists: {
    en: {
      when: 'The resource exists already: a merchant with this USCC (the answer names it in `merchantId`), a partner code, or a tracking number an active parcel of that partner has.',
      fix: 'Use the existing resource, or choose another code or number.',
    },
    'zh-CN': {
      when: '资源已存在：使用该统一社会信用代码的商家（`merchantId` 给出其 ID）、合作方代码，或该合作方在途包裹已使用的运单号。',
      fix: '使用已有资源，或换一个代码或运单号。',
    },
  },
  internal_error: {
    en: {
      when: 'Something failed on our side. The answer never carries internals; the `X-Request-Id` header identifies the request in our logs.',
      fix: 'Retry later with backoff (requests with an `Idempotency-Key` are safe to retry). If it persists, contact us with the request ID.',
    },
    'zh-CN': {
      when: '服务端出现故障。响应不会包含内部信息；`X-Request-Id` 响应头可在日志中定位该请求。',
      fix: '稍后按退避策略重试（带 `Idempotency-Key` 的请求可安全重试）。如持续出现，请提供请求 ID 联系我们。',
    },
  },
  service_unavailable: {
    en: {
      when: 'The API cannot reach its data store yet (starting up), or a change kept colliding with concurrent ones.',
      fix: 'Retry after the `Retry-After` header\'s seconds, with backoff.',
    },
    'zh-CN': {
      when: 'API 暂时无法访问数据存储（正在启动），或某修改持续与并发修改冲突。',
      fix: '按 `Retry-After` 响应头给出的秒数后退避重试。',
    },
  },
  unsupported_media_type: {
    en: {
      when: 'A body was sent with a `Content-Type` other than `application/json` (webhooks: other than what the sender documents).',
      fix: 'Send JSON with `Content-Type: application/json` (a `charset=utf-8` parameter is fine).',
    },
    'zh-CN': {
      when: '请求体的 `Content-Type` 不是 `application/json`（Webhook：不是发送方文档规定的类型）。',
      fix: '以 `Content-Type: application/json` 发送 JSON（可带 `charset=utf-8` 参数）。',
    },
  },
};

/** Values for the `{name}` placeholders of problem details in examples (pages and the OpenAPI document). */
const exampleParams = {
  limit: bodyLimitBytes,
  market: 'MO',
  sku: 'LJ-TEA-250G',
  hsCode: '9301900000',
  state: 'cancelled',
};
const exampleErrors: Partial<Record<ProblemCode, readonly FieldError[]>> = {
  validation_failed: [{ path: 'buyer.email', message: 'Invalid email address' }],
};

/** A problem body as the API answers it, with example values: what the pages and the OpenAPI document show. */
export const problemExample = (code: ProblemCode, status: number, lang: Language): ProblemBody =>
  problemBody(code, status, lang, { params: exampleParams, errors: exampleErrors[code] });
