import type { IndicatorType } from '../model/index.ts';
import { reversedHost } from './host.ts';
import { ipRange } from './ip.ts';
import { splitUrl } from './url.ts';

/**
 * The ordered keys the store indexes a value under: the IP range it covers
 * (for "inside this CIDR" and "CIDRs holding this IP") and its reversed host
 * (for "everything under this domain"). Pure, so every backend agrees.
 */
export interface IndexKeys {
  ipFirst?: Buffer;
  ipLast?: Buffer;
  hostKey?: string;
}

export function indexKeys(type: IndicatorType, value: string): IndexKeys {
  switch (type) {
    case 'ipv4':
    case 'ipv6':
    case 'cidr':
    case 'ip-port': {
      const range = ipRange(type, value)!;
      return { ipFirst: range.first, ipLast: range.last };
    }
    case 'domain':
    case 'hostname':
      return { hostKey: reversedHost(value) };
    case 'email':
      return { hostKey: reversedHost(value.slice(value.lastIndexOf('@') + 1)) };
    case 'url': {
      const parts = splitUrl(value);
      if (!parts.ok) return {};
      const { host, hostType } = parts.value;
      if (hostType === 'ipv4' || hostType === 'ipv6') {
        const range = ipRange(hostType, host)!;
        return { ipFirst: range.first, ipLast: range.last };
      }
      return { hostKey: reversedHost(host) };
    }
    default:
      return {};
  }
}
