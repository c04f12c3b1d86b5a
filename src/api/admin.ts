import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/index.ts';
import type { Organisation } from '../store/access.ts';
import type { Store } from '../store/store.ts';
import { OPERATOR_ORG, requireMember } from './app.ts';
import { HttpProblem } from './problem.ts';

type Member = Extract<Principal, { kind: 'member' }>;

/**
 * Who administers what. Admins of the operator organisation administer the
 * instance: organisations, agreements, and every organisation's users and
 * keys. Admins of any other organisation administer their own
 * organisation's users and keys, and nothing else.
 */
export function isOperator(principal: Principal): boolean {
  return principal.kind === 'member' && principal.role === 'admin' && principal.org === OPERATOR_ORG;
}

export function requireAdmin(request: FastifyRequest): Member {
  return requireMember(request, ['admin']);
}

export function requireOperator(request: FastifyRequest): Member {
  const caller = requireAdmin(request);
  if (caller.org !== OPERATOR_ORG) throw new HttpProblem(403, 'Forbidden', 'this needs an admin of the operator organisation (local); admins of other organisations manage their own users and keys');
  return caller;
}

/** An organisation by name or id, as requests name them. */
export const OrgNameSchema = z.union([z.number().int().positive(), z.string().min(1).max(200)]);

/** The organisation a request names (or the caller's own); 400 when none is called that. */
export async function findOrg(store: Store, name: string | number, field: string): Promise<Organisation> {
  const org = await store.findOrganisation(typeof name === 'string' && /^\d{1,9}$/.test(name) ? Number(name) : name);
  if (!org) throw new HttpProblem(400, 'Bad Request', `${field}: no organisation "${String(name).slice(0, 80)}"`, 'TIX_INPUT_BAD_FIELD', {}, { errors: [{ in: 'body', path: field, message: 'no such organisation' }] });
  return org;
}

/** The organisation an admin acts on: its own unless it names another, which only operator admins may. */
export async function orgInScope(store: Store, caller: Member, named: string | number | undefined, field = 'org'): Promise<Organisation> {
  if (named === undefined) return (await store.findOrganisation(caller.org))!;
  const org = await findOrg(store, named, field);
  if (org.id !== caller.org && caller.org !== OPERATOR_ORG) {
    throw new HttpProblem(403, 'Forbidden', `${field}: an admin of ${caller.orgName} manages only its own organisation`);
  }
  return org;
}
