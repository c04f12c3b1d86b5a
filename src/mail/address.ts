import { z } from 'zod';

/** A user's e-mail address, as accepted at every boundary (CLI, API). */
export const MailAddressSchema = z.email({ message: 'not an e-mail address' }).max(254);

/** The address, or a message that says why it is not one. */
export function parseMailAddress(input: string): { ok: true; address: string } | { ok: false; reason: string } {
  const parsed = MailAddressSchema.safeParse(input.trim());
  return parsed.success ? { ok: true, address: parsed.data } : { ok: false, reason: `"${input.slice(0, 80)}" is not an e-mail address` };
}
