import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram, COMMANDS } from '../../src/cli/program.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every command's flags, loaded as the CLI loads them. */
async function cliFlags(): Promise<Map<string, Set<string>>> {
  const flags = new Map<string, Set<string>>();
  for (const { name } of COMMANDS) {
    const program = await buildProgram([name]);
    const command = program.commands.find((c) => c.name() === name)!;
    flags.set(name, new Set([...command.options.map((o) => o.long!), '--help']));
  }
  return flags;
}

test('hints, errors and help name only commands and flags that exist', async () => {
  const flags = await cliFlags();
  const allFlags = new Set([...flags.values()].flatMap((s) => [...s]).concat(['--help', '--version']));
  const problems: string[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(SRC, file);
    // `transferkit <command> …` in backticks (hints, help, docs): the command exists and takes the flags shown
    for (const m of text.matchAll(/`transferkit ([a-z][a-z-]*)([^`]*)`/g)) {
      const [, name, rest] = m;
      if (!flags.has(name) && name !== 'help') problems.push(`${where}: \`transferkit ${name}\` is not a command`);
      for (const f of rest.matchAll(/--[a-z][a-z0-9-]*/g)) if (flags.has(name) && !flags.get(name)!.has(f[0])) problems.push(`${where}: \`transferkit ${name}\` has no ${f[0]}`);
    }
    // any other --flag in the code (not in comments) is some command's flag
    const code = text.split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n');
    for (const f of code.matchAll(/(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![\w-])/g)) if (!allFlags.has(f[0])) problems.push(`${where}: ${f[0]} is no command's flag`);
  }
  assert.deepEqual(problems, []);
});

test('every command loads, and `transferkit --help` lists each one with its summary', async () => {
  const program = await buildProgram(['--help']);
  assert.deepEqual(program.commands.map((c) => c.name()), COMMANDS.map((c) => c.name));
  for (const { name } of COMMANDS) {
    const loaded = (await buildProgram([name])).commands.find((c) => c.name() === name)!;
    assert.ok(loaded.options.length > 0 || name === 'models' || name === 'datasets', `${name} registers its options`);
    assert.match(loaded.helpInformation(), new RegExp(`Usage: transferkit ${name}`));
  }
});
