import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('did you mean, for commands and options (issue 17 item 5)', () => {
  it('an unknown command names the command it is close to, and still prints the commands', async () => {
    const run = await runCli('compiel', 'policies/');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^secpol: unknown command "compiel"; did you mean "compile"\?\n/);
    expect(run.stderr).toContain('Commands:');
    expect((await runCli('frobnicate')).stderr).toMatch(/^secpol: unknown command "frobnicate"\n/);
  });

  it('an unknown option names the option it is close to, with or without a value', async () => {
    const run = await runCli('compile', '--targt', 'kyverno', 'x.secpol');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^secpol compile: unknown option --targt; did you mean --target\?\n/);
    expect((await runCli('check', '--formt=json', 'x.secpol')).stderr).toMatch(/^secpol check: unknown option --formt; did you mean --format\?\n/);
    expect((await runCli('verify', '--frobnicate')).stderr).toMatch(/^secpol verify: unknown option --frobnicate\n/);
  });
});
