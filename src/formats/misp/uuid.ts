const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its 8-4-4-4-12 text form: MISP names event files by them, so nothing else may become a file name. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
