import { headerIndex, splitCsvLine } from '../formats/common/csv.ts';
import type { Issue } from '../model/index.ts';
import { CONTACT_ROLES, CONTACT_SCOPES, contactKey, type Contact, type ContactRole, type ContactScope } from './directory.ts';

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
const REQUIRED = ['scope', 'value', 'role', 'name'] as const;

/**
 * Reads a contacts CSV: a header naming `scope,value,role,name[,email]`, then
 * one entry a row (`country,KE,police,DCI Cyber Unit,cyber@example.ke`,
 * `asn,AS29465,abuse,MTN NG abuse,abuse@example.ng`,
 * `cidr,197.210.0.0/16,abuse,…`). A broken row is an issue naming its line
 * and field, and is skipped; a row giving a second, different contact for a
 * scope, key and role already given (the same country, AS or CIDR) is a
 * conflict, reported and skipped.
 */
export function readContactsCsv(lines: Iterable<string>, file: string): { contacts: Contact[]; issues: Issue[] } {
  const contacts: Contact[] = [];
  const issues: Issue[] = [];
  const seen = new Map<string, { contact: Contact; line: number }>();
  let columns: Map<string, number> | undefined;
  let line = 0;
  for (const raw of lines) {
    line++;
    const text = raw.replace(/\r$/, '');
    if (!text.trim() || text.startsWith('#')) continue;
    const issue = (field: string, message: string, code = 'TIX_INPUT_BAD_FIELD'): void => {
      issues.push({ code, file, line, field, message, severity: 'error' });
    };
    const fields = splitCsvLine(text);
    if (!fields) {
      issue('row', 'unterminated quote');
      continue;
    }
    if (!columns) {
      columns = headerIndex(fields);
      const missing = REQUIRED.filter((name) => !columns!.has(name));
      if (missing.length) {
        issue('header', `the header must name ${REQUIRED.join(', ')} (missing ${missing.join(', ')})`);
        return { contacts: [], issues };
      }
      continue;
    }
    const get = (name: string): string => (columns!.has(name) ? (fields[columns!.get(name)!] ?? '').trim() : '');
    if (fields.length < columns.size) {
      issue('row', `expected ${columns.size} fields, got ${fields.length}`);
      continue;
    }
    const scope = get('scope').toLowerCase();
    if (!(CONTACT_SCOPES as readonly string[]).includes(scope)) {
      issue('scope', `must be one of ${CONTACT_SCOPES.join(', ')} (got "${scope.slice(0, 40)}")`);
      continue;
    }
    const key = contactKey(scope as ContactScope, get('value'));
    if (!key.ok) {
      issue('value', key.reason);
      continue;
    }
    const role = get('role').toLowerCase();
    if (!(CONTACT_ROLES as readonly string[]).includes(role)) {
      issue('role', `must be one of ${CONTACT_ROLES.join(', ')} (got "${role.slice(0, 40)}")`);
      continue;
    }
    const name = get('name');
    if (!name) {
      issue('name', 'empty');
      continue;
    }
    const email = get('email');
    if (email && !EMAIL.test(email)) {
      issue('email', `not an e-mail address (got "${email.slice(0, 60)}")`);
      continue;
    }
    const contact: Contact = { scope: scope as ContactScope, key: key.key, role: role as ContactRole, name, manual: false, origin: `${file}:${line}` };
    if (email) contact.email = email;
    const id = `${contact.scope}|${contact.key}|${contact.role}`;
    const earlier = seen.get(id);
    if (earlier) {
      if (earlier.contact.name !== contact.name || earlier.contact.email !== contact.email) {
        issue('value', `${scope} ${key.key} already has a ${role} contact (line ${earlier.line}: ${earlier.contact.name})`, 'TIX_CONTACT_CONFLICT');
      }
      continue;
    }
    seen.set(id, { contact, line });
    contacts.push(contact);
  }
  if (!columns) issues.push({ code: 'TIX_INPUT_EMPTY', file, line: 0, message: 'no header and no rows', severity: 'error' });
  return { contacts, issues };
}
