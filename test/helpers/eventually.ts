/** Polls `check` until it holds, for at most `ms`; whether it came to hold. For what another process learns by a notice, not by a reply. */
export async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
