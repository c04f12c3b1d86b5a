/** A TAXII error (§3.6.1): rendered as an error object, `http_status` a string equal to the status. */
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

export function errorObject(error: TaxiiError): Record<string, unknown> {
  return { title: error.title, description: error.description, http_status: String(error.status) };
}
