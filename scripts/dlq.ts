/**
 * `npm run dlq -- <list | show | replay> ...`: the operator's view of the two dead-letter topics
 * (the ledger's requests it could not apply, settlement's results it could not apply) and the
 * exactly-once replay of chosen dead letters to their source topics after a fix.
 * docs/operations.md walks through it; `npm run dlq -- help` prints the usage.
 *
 * Exit codes: 0 done; 1 could not be done (no such topic or record, a failed or fenced replay:
 * the message says what to do); 2 a mistake in the command line (with the usage).
 */
import { createDlqKafka } from './dlq/dlq-kafka.js';
import { OperatorError, UsageError } from './dlq/dlq-errors.js';
import { parseDlqOptions, USAGE, type DlqOptions } from './dlq/dlq-options.js';
import { listDeadLetters } from './dlq/list-dead-letters.js';
import { formatReplayReport, replayDeadLetters } from './dlq/replay-dead-letters.js';
import { deadLetterJson, formatDeadLetter, readDeadLetter } from './dlq/show-dead-letter.js';
import { formatSummaries } from './dlq/summarise-dead-letters.js';

async function run({ brokers, verbose, command }: DlqOptions): Promise<void> {
  const print = (text: string): void => void process.stdout.write(`${text}\n`);
  const json = (value: unknown): void => print(JSON.stringify(value, null, 2));
  if (command.name === 'help') return print(USAGE);
  const kafka = createDlqKafka(brokers, verbose);
  switch (command.name) {
    case 'list': {
      const summaries = await listDeadLetters(kafka.kafka, command.topics);
      return command.json
        ? json({ topics: summaries })
        : print(formatSummaries(summaries, { allRecords: command.allRecords }));
    }
    case 'show': {
      const letter = await readDeadLetter(kafka.kafka, command.topic, command.at);
      return command.json
        ? json(deadLetterJson(letter, command.full))
        : print(formatDeadLetter(letter, command.full));
    }
    case 'replay': {
      // With --json, stdout carries the report alone; progress goes to stderr.
      const progress = command.json
        ? (line: string): void => void process.stderr.write(`${line}\n`)
        : print;
      const report = await replayDeadLetters(kafka, command, progress);
      return command.json ? json(report) : print(formatReplayReport(report));
    }
  }
}

/** The error's message and its causes' messages, one line; the stack only with --verbose. */
function describe(error: unknown, verbose: boolean): string {
  if (verbose && error instanceof Error && error.stack) return error.stack;
  const messages: string[] = [];
  for (let e: unknown = error; e !== undefined && messages.length < 4;) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
    // kafkajs wraps an error in one with the same message.
    if (message !== messages.at(-1)) messages.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return messages.join(': ');
}

let options: DlqOptions;
try {
  options = parseDlqOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`dlq: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
run(options).then(
  () => process.exit(0),
  (error: unknown) => {
    const operator = error instanceof OperatorError;
    process.stderr.write(`dlq: ${describe(error, options.verbose && !operator)}\n`);
    process.exit(1);
  },
);
