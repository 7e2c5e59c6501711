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
