import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';

describe('cli', () => {
  it('returns an exit code', async () => {
    expect(typeof (await main(['--version']))).toBe('number');
  });
});
