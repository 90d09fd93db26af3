import { describe, expect, it } from 'vitest';
import { ConfigError } from '../platform/config.ts';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_API_TOKEN, loadNationalConfig } from './config.ts';

describe('national simulator configuration', () => {
  it('defaults to port 3100, PGlite under DATA_DIR/national and the development tokens', () => {
    const config = loadNationalConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      NATIONAL_PORT: 3100,
      pgliteDir: 'data/national',
      apiToken: DEVELOPMENT_API_TOKEN,
      adminToken: DEVELOPMENT_ADMIN_TOKEN,
    });
    expect(config.NATIONAL_DATABASE_URL).toBeUndefined();
  });

  it('keeps a token made of digits as text and reads the port as a number', () => {
    const config = loadNationalConfig({ NATIONAL_API_TOKEN: '1234567890', NATIONAL_PORT: '3200' });
    expect(config).toMatchObject({ apiToken: '1234567890', NATIONAL_PORT: 3200 });
  });

  it('requires both tokens in production', () => {
    expect(() => loadNationalConfig({ NODE_ENV: 'production', NATIONAL_API_TOKEN: 'a-long-secret' })).toThrow(
      /NATIONAL_ADMIN_TOKEN: must be set in production/,
    );
  });

  it('fails fast naming every wrong variable', () => {
    expect(() =>
      loadNationalConfig({
        NATIONAL_PORT: 'eighty',
        NATIONAL_DATABASE_URL: 'mysql://x',
        NATIONAL_API_TOKEN: 'short',
      }),
    ).toThrow(ConfigError);
  });
});
