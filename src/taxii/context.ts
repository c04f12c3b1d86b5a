import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.ts';
import { TaxiiError } from './errors.ts';
import { acceptsTaxii, TAXII } from './media.ts';
import type { StatusBook } from './status.ts';

/** What every TAXII route shares: built once by the plugin, handed to each route module. */
export interface TaxiiContext {
  store: Store;
  /** max_content_length: the app's body limit, so what is advertised is exactly what is accepted. */
  bodyLimit: number;
  anonymousClear: boolean;
  /** The most objects one page returns, whatever `limit` asks. */
  maxPage: number;
  /** Key of the MAC on `next` tokens. */
  tokenKey: Buffer;
  statuses: StatusBook;
  /** Runs `task` after every import queued before it (the app's queue): one import at a time on the store handle, in date_added order. */
  queueImport<T>(task: () => Promise<T>): Promise<T>;
  /** The server's clock (the app's). */
  now(): number;
}

/** The single API root. */
export const API_ROOT = '/taxii2/api/';

/**
 * §1.6.8: the client must accept TAXII 2.1 (the manifest: or STIX 2.1);
 * anything else, wildcards included, is a 406.
 */
export function checkAccept(request: FastifyRequest, alsoStix = false): void {
  if (!acceptsTaxii(request.headers.accept, alsoStix)) {
    throw new TaxiiError(406, 'Not Acceptable', `this endpoint answers ${TAXII}; send it in Accept`);
  }
}

/** A TAXII response (a body given as a string is sent as it is, already JSON): the media type exactly as §1.6.8 spells it (fastify would rewrite it as `version="2.1"; charset=utf-8`). */
export function send(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.status(status).header('content-type', TAXII).send(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

/** The request's path, for the audit log: never the query string, which the detail records as given. */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}
