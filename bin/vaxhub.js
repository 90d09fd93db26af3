#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (see docs/adr/0005-typescript-runtime.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
