// `npm run docs`: rewrites the command reference section of README.md from the registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from './reference.js';

const readme = new URL('../../README.md', import.meta.url);
writeFileSync(readme, withReference(readFileSync(readme, 'utf8')));
