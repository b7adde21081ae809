import { Option, type Command } from 'commander';
import { scrubFile } from '../../privacy/scrub-data.ts';
import { PII_KINDS } from '../../privacy/kinds.ts';
import { REPLACE_MODES, type ReplaceMode } from '../../privacy/replace.ts';
import { runCommand, table } from '../output.ts';

interface ScrubFlags {
  data: string;
  out: string;
  textColumn?: string;
  kinds?: string;
  mode?: ReplaceMode;
  salt?: string;
  redactChar?: string;
  json?: boolean;
}

/** `transferkit scrub`: replace personal data in the texts of a dataset and write a clean copy. */
export function registerScrub(program: Command): void {
  program
    .command('scrub')
    .description('remove personal data from text data: e-mail addresses, phone numbers, URLs, IP addresses, card numbers (Luhn-checked), IBANs (mod-97-checked) and person names; writes a clean copy and counts what it replaced')
    .requiredOption('--data <data>', 'a .jsonl file (text field), a .csv file (text column) or a built-in text corpus (builtin:spam-2002, spam-2003, spam-hard-ham)')
    .requiredOption('--out <file>', 'the clean copy to write: .csv for CSV data, .jsonl for JSON Lines, either for a built-in corpus; never the input')
    .option('--text-column <name>', 'the CSV column or JSON field holding the text (default text)')
    .option('--kinds <list>', `kinds to replace, comma-separated (default all: ${PII_KINDS.join(',')})`)
    .addOption(new Option('--mode <mode>', 'mask: [EMAIL]; redact: one fixed character per character; hash: [EMAIL:3fa9c2d1], the same token for the same value (needs --salt)').choices([...REPLACE_MODES]).default('mask'))
    .option('--salt <secret>', 'secret salt of --mode hash (or env TRANSFERKIT_SCRUB_SALT); keep it secret, and reuse it for data that must share tokens')
    .option('--redact-char <c>', 'the character of --mode redact (default █)')
    .option('--json', 'print exactly one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ transferkit scrub --data messages.jsonl --out clean.jsonl
  $ transferkit scrub --data tickets.csv --text-column body --kinds email,phone,name --out clean.csv
  $ transferkit scrub --data builtin:spam-2002 --mode hash --salt "$SALT" --out spam-clean.jsonl --json

What counts as what: e-mail local@domain.tld; URLs starting http(s)://, ftp:// or www.;
IPv4 with octets 0–255 and IPv6; phone numbers with a +country code, a trunk 0 in separated
groups, or the North-American (415) 555-0132 shapes (not years, prices, dates, versions);
card numbers of 13–19 digits of a major card network passing the Luhn check; IBANs passing the mod-97 check; first
names from the English name lists, where names that are also words (Bill, Grace, May, Will, …)
count only after Dear/Hi/Mr/Mrs/Ms/Dr/… or before a capitalised surname.`,
    )
    .action((flags: ScrubFlags) =>
      runCommand(flags, async () => {
        const salt = flags.salt ?? process.env.TRANSFERKIT_SCRUB_SALT;
        const r = await scrubFile({ data: flags.data, out: flags.out, textColumn: flags.textColumn, kinds: flags.kinds, mode: flags.mode, salt, redactChar: flags.redactChar });
        const text = [
          `${r.data} → ${r.out} (${r.format}, ${r.mode}): ${r.summary.changed} of ${r.summary.texts} texts changed`,
          '',
          table(['kind', 'replaced'], r.kinds.map((k) => [k, String(r.summary.counts[k] ?? 0)])),
        ].join('\n');
        return { json: r, text };
      }),
    );
}
