/**
 * The `transferkit` command line's entry point (see ./program.ts).
 *
 * @module
 */
import { runProgram } from './program.ts';

process.exitCode = await runProgram(process.argv);
