import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../src/docs/generated.js';
import { projectRoot } from './helpers/corpora.js';

describe('files generated from code', () => {
  for (const [path, text] of Object.entries(generatedFiles())) {
    it(`${path} is current (run npm run generate)`, () => {
      let committed = '';
      try {
        committed = readFileSync(join(projectRoot, path), 'utf8');
      } catch {
        committed = '<missing>';
      }
      expect(committed === text, `${path} is stale: run npm run generate and commit the result`).toBe(true);
    });
  }
});
