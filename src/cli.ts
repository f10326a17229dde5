export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`secpol ${argv.join(' ')}\n`);
  return 0;
}
