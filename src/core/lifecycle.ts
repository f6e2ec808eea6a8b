/**
 * The start/stop contract of every component that owns a resource (port, timer, socket).
 * Whatever start() creates, stop() disposes; stop() is safe to call twice or before start().
 */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts components in order and stops them in reverse, so that consumers outlive their
 * producers: the uplink is still there while the last readings drain into it.
 */
export class LifecycleGroup implements Lifecycle {
  private readonly started: Lifecycle[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly members: readonly Lifecycle[]) {}

  async start(): Promise<void> {
    for (const member of this.members) {
      try {
        await member.start();
        this.started.push(member);
      } catch (error) {
        // A half-started group would leak ports and sockets: undo what did start.
        await this.stop();
        throw error;
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const member of this.started.reverse()) {
      try {
        await member.stop();
      } catch (error) {
        errors.push(error);
      }
    }
    this.started.length = 0;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several components failed to stop');
  }
}
