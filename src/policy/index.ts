export { canRead, clearanceOf, isActive, isCleared } from './rules.ts';
export { ORG_KINDS, OrgKindSchema, ROLES, RoleSchema } from './types.ts';
export type { Agreement, Clearance, Distribution, OrgKind, Reader, Role } from './types.ts';
export { AUDIT_GENESIS, auditContent, auditHash, verifyChain } from './audit.ts';
export type { ChainBreak } from './audit.ts';
