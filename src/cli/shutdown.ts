/**
 * Clean shutdown on Ctrl-C or a supervisor's SIGTERM: the first signal stops everything in
 * order and exits 0; a second one exits at once (130) for when stopping hangs.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`fieldnode: ${signal} again, exiting without a clean stop\n`);
      process.exit(130);
    }
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`fieldnode: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
