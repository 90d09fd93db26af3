import type { X509Certificate } from 'node:crypto';
import type { HcertGroup } from './hcert.ts';

/** The DCC extended key usages (EU trust framework): which kind of certificate a signer may sign. */
export const DCC_KEY_USAGE = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
} as const;

/** The same usages under the arc some countries used by mistake; verifiers accept both (EU guidelines). */
export const DCC_KEY_USAGE_ALTERNATIVE = {
  t: '1.3.6.1.4.1.0.1847.2021.1.1',
  v: '1.3.6.1.4.1.0.1847.2021.1.2',
  r: '1.3.6.1.4.1.0.1847.2021.1.3',
} as const;

const ALL_DCC_USAGES: ReadonlySet<string> = new Set([
  ...Object.values(DCC_KEY_USAGE),
  ...Object.values(DCC_KEY_USAGE_ALTERNATIVE),
]);

/**
 * Whether a signer certificate may sign this kind of certificate. A signer without any DCC usage may
 * sign every kind (EU trust framework); one with some may sign only those.
 */
export function keyUsageAllows(certificate: X509Certificate, group: HcertGroup): boolean {
  // Node names the extended key usages `keyUsage`.
  const dccUsages = (certificate.keyUsage ?? []).filter((oid) => ALL_DCC_USAGES.has(oid));
  if (dccUsages.length === 0) return true;
  return dccUsages.includes(DCC_KEY_USAGE[group]) || dccUsages.includes(DCC_KEY_USAGE_ALTERNATIVE[group]);
}
