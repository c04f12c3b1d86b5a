import { STATUS_CODES } from 'node:http';
import { HttpProblem } from '../api/problem.ts';
import { InputError, TixError } from '../errors.ts';
import { TAXII } from './media.ts';

/** A TAXII failure (§3.6.1): rendered as an error object whose `http_status` is a string equal to the status. */
export class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

/** The error object of §3.6.1: `title` (required), `description`, `http_status`. */
export function errorObject(error: TaxiiError): Record<string, string> {
  return { title: error.title, description: error.description, http_status: String(error.status) };
}

export const notFound = (what: string): TaxiiError => new TaxiiError(404, 'Not Found', what);
export const badFilter = (description: string): TaxiiError => new TaxiiError(400, 'Bad Request', description);
export const unsupportedMedia = (description = `send Content-Type: ${TAXII}`): TaxiiError => new TaxiiError(415, 'Unsupported Media Type', description);

/**
 * Any error thrown under /taxii2 as a TAXII error: the plugin's own as they
 * are, the app's (401 from authentication, 429 from the rate limiter) with
 * their status and headers, a bad filter or cursor the store refused as 400,
 * fastify's (413 body too large, 415) by status. Anything else is a 500 that
 * tells nothing; the caller logs it.
 */
export function toTaxiiError(error: unknown, bodyLimit: number): TaxiiError {
  if (error instanceof TaxiiError) return error;
  if (error instanceof HttpProblem) return new TaxiiError(error.status, error.title, error.detail, error.headers);
  if (error instanceof InputError || (error instanceof TixError && error.code === 'TIX_QUERY_INVALID')) return badFilter(error.message);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 413) return new TaxiiError(413, 'Content Too Large', `the body is larger than max_content_length (${bodyLimit} bytes)`);
  if (status === 415) return unsupportedMedia();
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new TaxiiError(status, STATUS_CODES[status] ?? 'Bad Request', (error as Error).message);
  }
  return new TaxiiError(500, 'Internal Server Error', 'the server could not complete the request; it has been logged');
}
