export { normalise, normaliseEmail, normaliseAsn, normaliseFilename } from './normalise.ts';
export type { Normalised } from './result.ts';
export { refang } from './refang.ts';
export { normaliseIp, normaliseIpv4, normaliseIpv6, normaliseCidr, normaliseIpPort, parsePort, enclosingCidrs } from './ip.ts';
export { normaliseHost, registrableDomain, reversedHost } from './host.ts';
export { normaliseUrl, splitUrl, urlHost } from './url.ts';
export { normaliseHash, normaliseSsdeep, normaliseTlsh } from './hash.ts';
export { canonicalUrlHost, indexKeys, indexKeysHex, ipKeyRange, valueHash } from './keys.ts';
export type { IndexKeys, IndexKeysHex, IpKeyRange } from './keys.ts';
