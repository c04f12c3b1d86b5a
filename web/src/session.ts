/** The signed-in caller, as GET /api/v1/session answers. */
export interface Session {
  user: string;
  org: { id: number; name: string; country?: string };
  role: string;
  csrf: string;
  clearance: { levels: string[]; own: boolean; agreements: Array<{ name: string; maxTlp: string; endsAt?: string }> };
}
