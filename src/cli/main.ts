/**
 * The `transferkit` command line's entry point (see ./program.ts).
 *
 * @module
 */
import { buildProgram } from './program.ts';

await (await buildProgram(process.argv.slice(2))).parseAsync(process.argv);
