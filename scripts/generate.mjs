// Writes the files generated from the grammar (run after `npm run build`): see grammar/generate.ts.
import { writeFileSync } from 'node:fs';
import { generatedGrammarFiles } from '../dist/grammar/generate.js';

for (const [path, text] of Object.entries(generatedGrammarFiles())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
