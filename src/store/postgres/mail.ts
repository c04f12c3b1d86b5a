import type { Db } from './db.ts';
import type { MailStore } from '../mail.ts';

export function postgresMail(db: Db): MailStore {
  void db;
  return {} as MailStore;
}
