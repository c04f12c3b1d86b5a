import type { FastifyRequest } from 'fastify';
import { requireMember } from '../api/app.ts';
import type { Principal } from '../auth/index.ts';
import { collectionsFor, type Collection } from './collections.ts';
import type { TaxiiContext } from './context.ts';
import { notFound, TaxiiError } from './errors.ts';

/**
 * Who may use the API root: members; anonymous callers only where the
 * operator serves TLP:CLEAR without sign-in (`anonymousClear`), and then
 * only the everything collection. Anyone else gets the app's 401 (with
 * WWW-Authenticate, §1.6.9), rendered as a TAXII error.
 */
export function callerOf(request: FastifyRequest, context: TaxiiContext): Principal {
  const principal = request.tix.principal;
  if (principal.kind === 'anonymous' && context.anonymousClear) return principal;
  return requireMember(request);
}

/** The collections this caller sees, in their fixed order. */
export async function collectionsOf(request: FastifyRequest, context: TaxiiContext): Promise<Collection[]> {
  const principal = callerOf(request, context);
  const agreements = principal.kind === 'member' ? await request.tix.agreements() : [];
  return collectionsFor(principal, agreements, request.tix.now);
}

/**
 * The collection a path names, as this caller sees it. A collection the
 * caller cannot see does not exist for it (404), so agreement ids of other
 * organisations tell nothing; an anonymous caller is asked to sign in (401)
 * instead, as it may be a member's inbox or agreement.
 */
export async function collectionOf(request: FastifyRequest, context: TaxiiContext, id: string): Promise<Collection> {
  const collection = (await collectionsOf(request, context)).find((candidate) => candidate.id === id.toLowerCase());
  if (collection) return collection;
  if (request.tix.principal.kind === 'anonymous') requireMember(request);
  throw notFound('no such collection, or not one you may see');
}

/** §5.2.1 can_read = false: the collection exists for the caller, its content does not (403). */
export function checkReadable(collection: Collection): void {
  if (!collection.canRead) throw new TaxiiError(403, 'Forbidden', `collection ${collection.alias} cannot be read: ${collection.description}`);
}
