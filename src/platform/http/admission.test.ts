import { describe, expect, it, vi } from 'vitest';
import { AdmissionGate } from './admission.ts';

describe('AdmissionGate', () => {
  it('REL-5 admits up to the limit, queues the next ones, sheds beyond the queue', async () => {
    const gate = new AdmissionGate(2, 1, 1000);
    expect(await gate.enter()).toBe(true);
    expect(await gate.enter()).toBe(true);
    const queued = gate.enter();
    expect(await gate.enter()).toBe(false);
    expect(gate.load).toEqual({ inFlight: 2, waiting: 1 });
    gate.leave();
    expect(await queued).toBe(true);
    expect(gate.load).toEqual({ inFlight: 2, waiting: 0 });
    gate.leave();
    gate.leave();
    expect(gate.load).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('REL-5 a request that waits longer than allowed is shed, and the gate recovers by itself', async () => {
    vi.useFakeTimers();
    try {
      const gate = new AdmissionGate(1, 5, 500);
      expect(await gate.enter()).toBe(true);
      const waiting = gate.enter();
      await vi.advanceTimersByTimeAsync(500);
      expect(await waiting).toBe(false);
      expect(gate.load).toEqual({ inFlight: 1, waiting: 0 });
      gate.leave();
      expect(await gate.enter()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
