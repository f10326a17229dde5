/** IPv4/IPv6 CIDR parsing for network intents: canonical text and containment. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

export function parseCidr(text: string): Cidr | { error: string } {
  const slash = text.indexOf('/');
  if (slash < 0) return { error: 'a CIDR needs a prefix length, e.g. 10.0.0.0/8' };
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = addr.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? parseIpv4(addr) : parseIpv6(addr);
  if (value === undefined) return { error: `${addr} is not an IPv${family} address` };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return { error: `the prefix length must be 0..${bits}` };
  const prefix = Number(prefixText);
  const hostBits = BigInt(bits - prefix);
  if (value & ((1n << hostBits) - 1n)) return { error: `host bits are set; the network address is ${formatCidr({ family, network: (value >> hostBits) << hostBits, prefix })}` };
  return { family, network: value, prefix };
}

export function formatCidr(c: Cidr): string {
  if (c.family === 4) {
    const parts = [24n, 16n, 8n, 0n].map((s) => String((c.network >> s) & 255n));
    return `${parts.join('.')}/${c.prefix}`;
  }
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((c.network >> s) & 0xffffn).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${c.prefix}`;
}

/** inner ⊆ outer: same family, at least as long a prefix, and the outer's network bits agree. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = BigInt(outer.family === 4 ? 32 : 128);
  const shift = bits - BigInt(outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

/** A single address as a /32 (IPv4) or /128 (IPv6) block, or undefined when it is not an IP address. */
export function parseIp(text: string): Cidr | undefined {
  const family = text.includes(':') ? 6 : 4;
  const parsed = parseCidr(`${text}/${family === 4 ? 32 : 128}`);
  return 'error' in parsed ? undefined : parsed;
}
