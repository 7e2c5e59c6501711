import ipaddr from 'ipaddr.js';

/**
 * Normalises one allowlist entry (an IPv4/IPv6 address or CIDR) to CIDR form,
 * or returns null if it is neither.
 */
export function normaliseAllowlistEntry(entry: string): string | null {
  const value = entry.trim();
  try {
    if (value.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(value);
      const network = networkAddress(addr, bits);
      return `${network.toString()}/${bits}`;
    }
    const addr = ipaddr.process(value);
    return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    return null;
  }
}

/**
 * The canonical text of an address (IPv4-mapped IPv6 as plain IPv4, IPv6 compressed), or
 * undefined if it is not an address: what a dual-stack socket or a proxy header says varies.
 */
export function canonicalIp(ip: string | undefined): string | undefined {
  if (!ip || !ipaddr.isValid(ip)) return undefined;
  return ipaddr.process(ip).toString();
}

/** True if `ip` falls inside any entry (IPv4-mapped IPv6 addresses count as IPv4). */
export function ipAllowed(allowlist: readonly string[], ip: string | undefined): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip);
  return allowlist.some((entry) => {
    const range = ipaddr.parseCIDR(entry);
    return addr.kind() === range[0].kind() && addr.match(range);
  });
}

function networkAddress(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
}
