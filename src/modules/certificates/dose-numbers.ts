/**
 * DCC-2: dn/sd of a vaccination certificate as the Italian platform encoded them: the dose number over
 * the doses that complete the primary cycle (1/2, 2/2; 1/1 for Janssen or after a prior infection), and
 * for boosters and additional doses the dose number over itself (3/3, 4/4, 2/2 after Janssen).
 */
export function certificateDoses(dose: {
  doseNumber: number;
  doseKind: 'primary' | 'additional' | 'booster';
  /** The doses completing the dose's cycle, as the registry's rules saw it; null if unknown. */
  cycleDoses: number | null;
  /** The product's own primary cycle, used when the registry did not say. */
  productCycleDoses: number;
}): { dn: number; sd: number } {
  if (dose.doseKind !== 'primary') return { dn: dose.doseNumber, sd: dose.doseNumber };
  return { dn: dose.doseNumber, sd: Math.max(dose.doseNumber, dose.cycleDoses ?? dose.productCycleDoses) };
}
