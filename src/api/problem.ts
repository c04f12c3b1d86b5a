import { clip, ConflictError, InputError, NotFoundError, TixError, type ErrorCode } from '../errors.ts';

/** An HTTP failure with what the client needs to know; rendered as RFC 9457 problem+json (TAXII renders its own error object). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code?: ErrorCode | string,
    readonly headers: Record<string, string> = {},
    /** RFC 9457 extension members: `errors` lists every invalid field, each with where it is and what is wrong. */
    readonly extensions: { errors?: ProblemError[] } = {},
  ) {
    super(detail);
  }
}

/** One thing wrong with a request: where (`query`, `body`, `path`), the field's path (`items.3.value`), and why. */
export interface ProblemError {
  in: string;
  path: string;
  message: string;
  /** The index of the item in a bulk request. */
  index?: number;
}

/** Codes of the case-work areas (reports, investigations, requests) and the statuses they answer with. */
const STATUS_OF: Partial<Record<ErrorCode, [number, string]>> = {
  TIX_REPORT_BAD_REF: [400, 'Bad Request'],
  TIX_ATTACHMENT_TOO_LARGE: [413, 'Content Too Large'],
  TIX_CASE_UNKNOWN: [404, 'Not Found'],
  TIX_CASE_DENIED: [403, 'Forbidden'],
  TIX_RFI_NOT_OPEN: [409, 'Conflict'],
  TIX_RFI_NOT_PARTY: [403, 'Forbidden'],
};

/** Any error as an HttpProblem: tix's own by their kind, fastify's by their status, the rest as a 500 that tells nothing. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const mapped = error instanceof TixError ? STATUS_OF[error.code] : undefined;
  if (mapped && error instanceof TixError) return new HttpProblem(mapped[0], mapped[1], error.message, error.code);
  if (error instanceof NotFoundError) return new HttpProblem(404, 'Not Found', error.message, error.code);
  if (error instanceof ConflictError) return new HttpProblem(409, 'Conflict', error.message, error.code);
  if (error instanceof InputError || (error instanceof TixError && error.code === 'TIX_CONFIG_BAD_OPTION')) {
    return new HttpProblem(400, 'Bad Request', error.message, error.code);
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const titles: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' };
    return new HttpProblem(status, titles[status] ?? 'Bad Request', clip((error as Error).message, 300));
  }
  return new HttpProblem(500, 'Internal Server Error', 'the server could not complete the request; it has been logged');
}

export function problemBody(problem: HttpProblem, instance: string): Record<string, unknown> {
  return {
    type: problem.code ? `https://tix.dev/errors#${problem.code}` : 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: clip(instance, 500),
    ...(problem.code ? { code: problem.code } : {}),
    ...problem.extensions,
  };
}
