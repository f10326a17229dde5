import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendTemplates } from '../../../src/backends/common/precompile.js';
import { projectRoot } from '../../helpers/corpora.js';

describe('precompiled templates', () => {
  it('cover every template in targets/ (a template left out would never be precompiled)', () => {
    const onDisk = readdirSync(join(projectRoot, 'targets'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(projectRoot, 'targets', d.name)).filter((f) => f.endsWith('.hbs')).map((f) => `${d.name}/${f}`))
      .sort();
    const listed = Object.entries(backendTemplates)
      .flatMap(([backend, files]) => Object.values(files).map((f) => `${backend}/${f}`))
      .sort();
    expect(listed).toEqual(onDisk);
  });
});
