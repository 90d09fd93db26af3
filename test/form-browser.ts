import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../src/platform/http/types.ts';

export const HTML = 'text/html,application/xhtml+xml';

/**
 * A browser without JavaScript, as far as the server can tell: it keeps cookies, asks for HTML, posts
 * url-encoded forms, and follows 303 redirects with a GET.
 */
export class FormBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: App) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      // The app's clock is in 2021: only a cleared cookie (dated 1970) counts as gone.
      if (cookie.value === '' || (cookie.expires !== undefined && cookie.expires.getTime() <= 0))
        this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { accept: HTML },
      cookies: Object.fromEntries(this.cookies),
    });
    this.remember(response);
    return response;
  }

  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const single of [value].flat()) body.append(name, single);
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { accept: HTML, 'content-type': 'application/x-www-form-urlencoded' },
      cookies: Object.fromEntries(this.cookies),
      payload: body.toString(),
    });
    this.remember(response);
    return response;
  }

  /** Follows the 303 a form post answers with, as a browser does. */
  async follow(response: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(303);
    return this.get(String(response.headers.location));
  }
}
