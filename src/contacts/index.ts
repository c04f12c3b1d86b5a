export { readContactsCsv } from './csv.ts';
export {
  buildDirectory,
  CONTACT_ROLES,
  CONTACT_SCOPES,
  contactKey,
  resolveContacts,
  type Contact,
  type ContactMatch,
  type ContactRole,
  type ContactScope,
  type Directory,
  type Resolution,
} from './directory.ts';
