/**
 * Errors speak the caller's language. The library writes an option as the API names it, in
 * backticks — `` `label` ``, `` `impute: 'mean'` `` — which is what an API caller passes. The CLI
 * rewrites those into the running command's flags — `--label`, `--impute mean` — so a person at
 * the terminal reads the flag they type. Names that are not options of the command stay as written.
 */
import type { Command } from 'commander';

let flagsOfCommand = new Map<string, string>();

/**
 * Remembers the command that runs, so its errors can name its flags.
 *
 * @example
 * ```ts
 * program.hook('preAction', (_program, command) => useFlagsOf(command));
 * ```
 */
export function useFlagsOf(command: Command): void {
  flagsOfCommand = new Map(command.options.filter((o) => o.long).map((o) => [o.attributeName(), o.long!]));
  // a setting whose flag is not its API name (--lr is learningRate)
  if (flagsOfCommand.has('lr')) flagsOfCommand.set('learningRate', flagsOfCommand.get('lr')!);
}

/**
 * A library message in the command's flags.
 *
 * @example
 * ```ts
 * cliWording("Pass `impute: 'mean'` or `label`."); // "Pass --impute mean or --label." (in `fit`)
 * ```
 */
export function cliWording(text: string): string {
  return text.replace(/`([a-zA-Z][a-zA-Z0-9]*)(?::\s*([^`]+))?`/g, (whole, name: string, value: string | undefined) => {
    const flag = flagsOfCommand.get(name);
    if (!flag) return whole;
    if (value === undefined) return flag;
    const object = /^\{(.*)\}$/.exec(value.trim());
    if (object) {
      // an object value is written as the CLI's name=value pairs: { "a": "x", "b": 1 } → a=x,b=1
      const pairs = [...object[1].matchAll(/["']?([\w.-]+)["']?\s*:\s*["']?([^,"'}]+)["']?/g)].map((m) => `${m[1]}=${m[2].trim()}`);
      return `${flag} ${pairs.join(',')}`;
    }
    const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
    return /^(true)$/.test(v) ? flag : `${flag} ${/[\s"]/.test(v) ? JSON.stringify(v) : v}`;
  });
}
