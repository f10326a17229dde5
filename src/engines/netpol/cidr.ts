import { isRecord, show } from './util.js';

/** An IPv4 or IPv6 address as an unsigned integer of 32 or 128 bits. */
export interface Ip {
  readonly v6: boolean;
  readonly value: bigint;
}

export interface Cidr {
  readonly v6: boolean;
  readonly prefix: number;
  readonly base: bigint;
  readonly mask: bigint;
}

/** `ipBlock`: addresses inside `cidr` and outside every `except` entry. */
export interface IpBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

const v4Part = /^(0|[1-9]\d{0,2})$/;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses an IP address. Octets with leading zeros are refused (the API server's strict validation does
 * the same, since they read as octal to some tools); an IPv4-mapped IPv6 address reads as its IPv4 form.
 */
export function parseIp(text: string): Ip | undefined {
  if (text.includes(':')) {
    const value = parseV6(text);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { v6: false, value: value & 0xffffffffn };
    return { v6: true, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { v6: false, value };
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!v4Part.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Hex groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groupsOf(side: string): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (hexGroup.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses `address/prefix`. Host bits below the prefix are ignored, as the API server's legacy parsing does. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const lenText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lenText)) return undefined;
  const addrText = text.slice(0, slash);
  const v6 = addrText.includes(':');
  const value = v6 ? parseV6(addrText) : parseV4(addrText);
  if (value === undefined) return undefined;
  if (v6 && value >> 32n === 0xffffn) return undefined; // IPv4-mapped: ambiguous family, refused
  const prefix = Number(lenText);
  const bits = v6 ? 128 : 32;
  if (prefix > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = all ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { v6, prefix, base: value & mask, mask };
}

export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  return cidr.v6 === ip.v6 && (ip.value & cidr.mask) === cidr.base;
}

export function ipBlockContains(block: IpBlock, ip: Ip): boolean {
  if (!cidrContains(block.cidr, ip)) return false;
  for (const e of block.except) if (cidrContains(e, ip)) return false;
  return true;
}

/**
 * Validates and compiles `ipBlock`. Each `except` must be a strict subset of `cidr`, as the API server
 * requires ("must be a strict subset of `cidr`").
 */
export function compileIpBlock(raw: unknown, path: string, errors: string[]): IpBlock | undefined {
  if (!isRecord(raw)) {
    errors.push(`${path}: must be an object with a cidr`);
    return undefined;
  }
  const before = errors.length;
  for (const field of Object.keys(raw)) {
    if (field !== 'cidr' && field !== 'except') errors.push(`${path}.${field}: unknown field`);
  }
  if (typeof raw['cidr'] !== 'string' || raw['cidr'] === '') {
    errors.push(`${path}.cidr: required`);
    return undefined;
  }
  const cidr = parseCidr(raw['cidr']);
  if (!cidr) {
    errors.push(`${path}.cidr: ${show(raw['cidr'])} is not a valid CIDR`);
    return undefined;
  }
  const except: Cidr[] = [];
  const rawExcept = raw['except'] ?? [];
  if (!Array.isArray(rawExcept)) {
    errors.push(`${path}.except: must be a list of CIDRs`);
    return undefined;
  }
  rawExcept.forEach((text: unknown, i) => {
    const at = `${path}.except[${i}]`;
    const e = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!e) errors.push(`${at}: ${show(text)} is not a valid CIDR`);
    else if (e.v6 !== cidr.v6 || e.prefix <= cidr.prefix || (e.base & cidr.mask) !== cidr.base) {
      errors.push(`${at}: ${text as string} must be a strict subset of cidr ${raw['cidr'] as string}`);
    } else except.push(e);
  });
  return errors.length > before ? undefined : { cidr, except };
}
