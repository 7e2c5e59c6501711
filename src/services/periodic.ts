/** A task run every interval: `stop()` cancels the next run and waits for the one under way. */
export interface PeriodicRun {
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, the first time after a random part of it, so that instances
 * started together do not run in step. The task handles its own failures; timers never keep the
 * process alive.
 */
export function runPeriodically(intervalMs: number, task: () => Promise<void>): PeriodicRun {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> | null = null;
  const next = (delayMs: number) => {
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref();
  };
  const tick = async () => {
    running = task();
    await running;
    running = null;
    if (!stopped) next(intervalMs);
  };
  next(Math.floor(Math.random() * intervalMs));
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
