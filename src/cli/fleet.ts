import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FieldnodeError } from '../core/errors.js';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';
import { formatProgress, formatReport, type FleetOptions } from './fleet-report.js';
import { parseDuration } from './duration.js';

/** A whole number within bounds: an option parser for commander. */
function wholeNumber(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

function readingsPerSecond(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value <= 100)) throw new InvalidArgumentError('expected readings per second above 0, at most 100 (e.g. 1 or 0.2)');
  return value;
}

/** Most worker threads: beyond a few per core they only add memory and context switches. */
const MOST_WORKERS = 64;

/**
 * `--workers`: a whole number, or `auto` for one thread per core but one, the main thread's
 * (the consumer and, when embedded, the broker). Not the default: the figures of a fleet run
 * should not depend on the machine it happens to run on unless asked.
 */
function workerCount(text: string): number {
  if (text === 'auto') return Math.max(1, availableParallelism() - 1);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MOST_WORKERS) throw new InvalidArgumentError(`expected a whole number from 1 to ${MOST_WORKERS}, or auto (one per core but one)`);
  return value;
}

/** The brokers the fleet can start itself, on a free port. */
const OWN_BROKERS = ['embedded', 'mosquitto'];

interface FleetFlags {
  nodes: number;
  sensors: number;
  rate: number;
  broker: string;
  duration: number;
  restartBrokerAt?: number;
  brokerDown: number;
  dataDir?: string;
  workers: number;
}

/** `fieldnode fleet`: many complete simulated nodes against one broker, and a consumer that checks every reading arrived once. */
export function registerFleet(program: Command, load: LoadComposition): void {
  program
    .command('fleet')
    .description('run many simulated nodes (twins, pipeline, outbox, MQTT session each) against a broker and check that every reading arrives exactly once')
    .requiredOption('--nodes <n>', 'simulated nodes', wholeNumber(1, 100_000))
    .option('--sensors <m>', 'sensors per node (weather-station twins of 4 sensors each)', wholeNumber(1, 400), 10)
    .option('--rate <hz>', 'readings per second of each sensor', readingsPerSecond, 1)
    .option('--broker <url>', `a broker URL, or ${OWN_BROKERS.join(' or ')} to start one on a free port`, 'embedded')
    .addOption(new Option('--duration <time>', 'how long the nodes produce readings once all are up (30s, 2m)').argParser(parseDuration).default(60_000, '60s'))
    .addOption(new Option('--restart-broker-at <time>', 'take the fleet\'s own broker down at this time from the start, then bring it back').argParser(parseDuration))
    .addOption(new Option('--broker-down <time>', 'with --restart-broker-at: how long the broker stays down').argParser(parseDuration).default(5000, '5s'))
    .option('--data-dir <dir>', "where the nodes' outboxes go, in a temporary folder removed at the end (default: the system's; a tmpfs such as /dev/shm spares the disk a thousand nodes' writes)")
    .option('--workers <w>', 'worker threads to spread the nodes over (1: the main thread, beside the consumer; auto: one per core but one)', workerCount, 1)
    .action(async (flags: FleetFlags) => {
      try {
        const { fleet } = await load();
        if (!fleet) throw new FieldnodeError('this fieldnode has no simulators', 'USAGE');
        if (flags.restartBrokerAt !== undefined && !OWN_BROKERS.includes(flags.broker)) {
          throw new FieldnodeError(`--restart-broker-at needs a broker the fleet starts itself (--broker ${OWN_BROKERS.join(' or --broker ')}), not ${flags.broker}`, 'USAGE');
        }
        if (flags.restartBrokerAt !== undefined && flags.restartBrokerAt >= flags.duration) {
          throw new FieldnodeError('--restart-broker-at must fall within --duration', 'USAGE');
        }
        if (flags.workers > flags.nodes) throw new FieldnodeError(`--workers ${flags.workers} is more threads than --nodes ${flags.nodes}: at most one worker per node`, 'USAGE');
        const options: FleetOptions = { nodes: flags.nodes, sensors: flags.sensors, rate: flags.rate, broker: flags.broker, durationMs: flags.duration, restartBrokerAtMs: flags.restartBrokerAt, brokerDownMs: flags.brokerDown, dataDir: flags.dataDir, workers: flags.workers };
        const say = (line: string) => process.stderr.write(`fieldnode: ${line}\n`);
        const report = await fleet.run(options, say, (progress) => process.stderr.write(`${formatProgress(progress)}\n`));
        process.stdout.write(`${formatReport(report).join('\n')}\n`);
        process.exit(report.lost === 0 ? 0 : 1);
      } catch (error) {
        failWith(error);
      }
    });
}
