import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../../platform/http/types.ts';

const bootstrapItaliaRoot = path.dirname(
  createRequire(import.meta.url).resolve('bootstrap-italia/package.json'),
);
const portalRoot = fileURLToPath(new URL('../../../web/portal/', import.meta.url));

const bootstrapItaliaVersion = (
  JSON.parse(readFileSync(path.join(bootstrapItaliaRoot, 'package.json'), 'utf8')) as { version: string }
).version;
const portalVersion = createHash('sha256')
  .update(readFileSync(path.join(portalRoot, 'portal.css')))
  .update(readFileSync(path.join(portalRoot, 'portal.js')))
  .digest('hex')
  .slice(0, 12);

/*
 * The CSP (`default-src 'self'`) forbids a CDN: Bootstrap Italia's files and ours are served from here.
 * Pages link them with a version in the query, so a browser keeps them for days yet fetches a new
 * release at once. Fonts are named with their own version and are referenced by portal.css relatively.
 */
export const BOOTSTRAP_ITALIA_BASE = '/assets/bootstrap-italia';
export const PORTAL_ASSETS_BASE = '/assets/portal';
export const BOOTSTRAP_ITALIA_CSS = `${BOOTSTRAP_ITALIA_BASE}/css/bootstrap-italia.min.css?v=${bootstrapItaliaVersion}`;
export const PORTAL_CSS = `${PORTAL_ASSETS_BASE}/portal.css?v=${portalVersion}`;
export const PORTAL_JS = `${PORTAL_ASSETS_BASE}/portal.js?v=${portalVersion}`;

const BOOTSTRAP_ITALIA_FOLDERS = ['css', 'fonts', 'js', 'svg'];

export async function registerPortalAssets(app: App): Promise<void> {
  // Static files are not operations of the API: hidden from the OpenAPI document, public (see app.ts).
  await app.register(fastifyStatic, {
    root: path.join(bootstrapItaliaRoot, 'dist'),
    prefix: `${BOOTSTRAP_ITALIA_BASE}/`,
    decorateReply: false,
    schemaHide: true,
    index: false,
    list: false,
    allowedPath: (pathname) => BOOTSTRAP_ITALIA_FOLDERS.some((folder) => pathname.startsWith(`/${folder}/`)),
    maxAge: '7d',
  });
  await app.register(fastifyStatic, {
    root: portalRoot,
    prefix: `${PORTAL_ASSETS_BASE}/`,
    decorateReply: false,
    schemaHide: true,
    index: false,
    list: false,
    maxAge: '1d',
  });
}
