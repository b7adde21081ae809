/**
 * Privacy tools: scrubbing personal data from text datasets, and measuring how much a trained
 * model leaks about which examples it trained on (membership inference).
 *
 * @module
 */
export { PII_KINDS, PII_TAGS, parseKinds, type PiiKind, type PiiMatch } from './kinds.ts';
export { luhnValid, luhnCheckDigit } from './luhn.ts';
export { ibanValid, ibanMod97, ibanCheckDigits, IBAN_LENGTHS } from './iban.ts';
export { ipv4Valid, ipv6Valid } from './ip.ts';
export { detectNames, nameLists } from './names.ts';
export { NAME_WORDS } from './name-words.ts';
export { DETECTORS, detectEmails, detectUrls, detectIps, detectPhones, detectCards, detectIbans, type Detector } from './detectors.ts';
export { REPLACE_MODES, replacement, normalisePii, checkReplaceOptions, type ReplaceMode, type ReplaceOptions } from './replace.ts';
export { scrubText, scrubWith, findPii, type ScrubOptions, type ScrubResult } from './scrub-text.ts';
export { scrubDataset, scrubFile, type ScrubSummary, type ScrubFileOptions, type ScrubFileResult } from './scrub-data.ts';
export { parseCsvText, formatCsvText, type CsvText } from './csv-text.ts';
export { attackMetrics, nullAucStdError, type AttackMetrics } from './attack-roc.ts';
export { exampleLosses, logitConfidences, offlineLikelihoodScores } from './attack-scores.ts';
export { readAttackAuc, type LeakLevel, type RiskReading } from './risk-reading.ts';
export { runMembers, isRunFolder, type RunMembers } from './run-members.ts';
export { membershipRisk, type MembershipOptions, type MembershipRisk, type AttackResult, type SideSummary } from './membership.ts';
