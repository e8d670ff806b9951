/**
 * Errors. `ProblemError` is the only error whose details reach a client (as RFC 9457
 * problem+json, see problem.ts); anything else becomes a generic 500.
 */
export const problemStatus = {
  unauthenticated: 401,
  forbidden: 403,
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  not_found: 404,
  idempotency_key_required: 400,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  market_not_enabled: 422,
  unknown_sku: 422,
  restricted_item: 422,
  invalid_state: 409,
  invalid_signature: 401,
  already_exists: 409,
  internal_error: 500,
  service_unavailable: 503,
  unsupported_media_type: 415,
} as const;

export type ProblemCode = keyof typeof problemStatus;

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemOptions {
  /** Values substituted into the localized detail template (`{name}`). */
  readonly params?: Readonly<Record<string, string | number>>;
  readonly errors?: readonly FieldError[];
  /** Overrides the code's default status (Stripe webhooks answer 400 for invalid_signature). */
  readonly status?: number;
  readonly cause?: unknown;
  /** Extra response headers (e.g. `retry-after` on a 503). */
  readonly headers?: Readonly<Record<string, string>>;
  /** RFC 9457 extension members the client can act on (e.g. the existing resource's id on a 409). */
  readonly extensions?: Readonly<Record<string, string>>;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly params: Readonly<Record<string, string | number>>;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly code: ProblemCode,
    options: ProblemOptions = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'ProblemError';
    this.status = options.status ?? problemStatus[code];
    this.params = options.params ?? {};
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions;
  }
}

/** A deployment or local setup mistake (missing variable, unreadable secret): never shown to clients. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
