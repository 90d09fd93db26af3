import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded database under ./data on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ DATA_DIR: './data', PORT: 3000, HOST: '127.0.0.1', cookieSecure: false });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('reads numbers, booleans and URLs from strings', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://app@db/vaxhub',
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://app@db/vaxhub',
      TRUST_PROXY: true,
      cookieSecure: true,
    });
  });

  it('fails fast naming every wrong variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('NAT-1 data retention: hourly, 30 days of acknowledged outbox, 365 of message contents; never under the lag chart’s day', () => {
    expect(loadConfig({})).toMatchObject({
      RETENTION_INTERVAL_MS: 3_600_000,
      RETENTION_OUTBOX_DAYS: 30,
      RETENTION_MESSAGE_DAYS: 365,
    });
    expect(loadConfig({ RETENTION_INTERVAL_MS: '0' }).RETENTION_INTERVAL_MS).toBe(0);
    expect(() => loadConfig({ RETENTION_OUTBOX_DAYS: '1' })).toThrow(/RETENTION_OUTBOX_DAYS/);
  });
});
